using System.CommandLine;
using Fulfilment.SupplierSimulator;

var port = new Option<int>("--port") { Description = "Port on 127.0.0.1.", DefaultValueFactory = _ => 7080 };
var apiKey = new Option<string>("--api-key") { Description = "The API key callers must send as a Bearer token.", DefaultValueFactory = _ => "local-supplier-key" };
var command = new RootCommand("A supplier speaking docs/supplier-protocol.md, with a ledger (GET /admin/ledger) and faults (PUT /admin/faults).")
{
    port,
    apiKey,
};
command.SetAction(async (result, cancellationToken) =>
{
    await using var simulator = await Simulator.StartAsync(result.GetValue(apiKey)!, result.GetValue(port), log: true);
    Console.WriteLine($"Supplier simulator on {simulator.BaseAddress} (Ctrl+C stops it)");
    try
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
    catch (OperationCanceledException)
    {
    }

    return 0;
});
return await command.Parse(args).InvokeAsync();
