using System.CommandLine;
using System.Text.Json;
using Fulfilment.Contract;

namespace Fulfilment.Cli;

/// <summary>What a command runs with: the API client built from the global options, and where to write.</summary>
internal sealed class CliContext(ParseResult result) : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new(ContractJson.Options) { WriteIndented = true };

    private FulfilmentApi? api;

    public ParseResult Result => result;

    public TextWriter Output => result.InvocationConfiguration.Output;

    public TextWriter Error => result.InvocationConfiguration.Error;

    public bool Json => result.GetValue(FulfilCommandLine.JsonOutput);

    public FulfilmentApi Api => api ??= new FulfilmentApi(
        result.GetValue(FulfilCommandLine.BaseUrl)!,
        result.GetValue(FulfilCommandLine.OpsKey) ?? Environment.GetEnvironmentVariable("FULFIL_OPS_KEY"),
        result.GetValue(FulfilCommandLine.ApiKey) ?? Environment.GetEnvironmentVariable("FULFIL_API_KEY"),
        TimeSpan.FromSeconds(Math.Max(1, result.GetValue(FulfilCommandLine.TimeoutSeconds))));

    /// <summary>Writes <paramref name="value"/> as indented JSON when <c>--json</c> is set, else calls <paramref name="human"/>.</summary>
    public async Task WriteAsync<T>(T value, Func<T, IEnumerable<string>> human)
    {
        if (Json)
        {
            await Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
            return;
        }

        foreach (var line in human(value))
        {
            await Output.WriteLineAsync(TerminalText.Safe(line));
        }
    }

    public void Dispose() => api?.Dispose();
}
