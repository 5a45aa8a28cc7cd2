using System.CommandLine;
using Fulfilment.SupplierSimulator;

var protocol = new Option<string>("--protocol")
{
    Description = "The wire protocol: generic-rest (docs/supplier-protocol.md), reloadly or dtone (docs/suppliers.md).",
    DefaultValueFactory = _ => "generic-rest",
};
protocol.AcceptOnlyFromAmong("generic-rest", "reloadly", "dtone");
var port = new Option<int>("--port") { Description = "Port on 127.0.0.1.", DefaultValueFactory = _ => 7080 };
var apiKey = new Option<string>("--api-key")
{
    Description = "generic-rest: the Bearer key; reloadly: the client id; dtone: the Basic user name.",
    DefaultValueFactory = _ => "local-supplier-key",
};
var apiSecret = new Option<string>("--api-secret")
{
    Description = "reloadly: the client secret; dtone: the Basic password.",
    DefaultValueFactory = _ => "local-supplier-secret",
};
var command = new RootCommand("A supplier on 127.0.0.1 with a ledger (GET /admin/ledger) and faults (PUT /admin/faults).")
{
    protocol,
    port,
    apiKey,
    apiSecret,
};
command.SetAction(async (result, cancellationToken) =>
{
    var (key, secret, at) = (result.GetValue(apiKey)!, result.GetValue(apiSecret)!, result.GetValue(port));
    await using SimulatedSupplier simulator = result.GetValue(protocol) switch
    {
        "reloadly" => await ReloadlySimulator.StartAsync(key, secret, at, log: true),
        "dtone" => await DtOneSimulator.StartAsync(key, secret, at, log: true),
        _ => await GenericRestSimulator.StartAsync(key, at, log: true),
    };
    Console.WriteLine($"{result.GetValue(protocol)} supplier simulator on {simulator.BaseAddress} (Ctrl+C stops it)");
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
