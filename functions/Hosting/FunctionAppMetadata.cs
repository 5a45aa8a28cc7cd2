using System.Text.Json;
using System.Text.Json.Serialization;
using Fulfilment.Storage;

namespace Fulfilment.Hosting;

/// <summary>What the app reads from host.json and the function folders: the single source of truth for triggers.</summary>
internal sealed record FunctionAppMetadata(
    IReadOnlyList<FunctionDefinition> Functions,
    QueueExtensionSettings Queues,
    string RoutePrefix)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads host.json and every <c>*/function.json</c> below <paramref name="root"/>.</summary>
    public static FunctionAppMetadata Load(string root)
    {
        var hostPath = Path.Combine(root, "host.json");
        if (!File.Exists(hostPath))
        {
            throw new InvalidOperationException($"host.json not found in {root}.");
        }

        var host = JsonSerializer.Deserialize<HostFile>(File.ReadAllText(hostPath), Json)
            ?? throw new InvalidOperationException("host.json is empty.");

        var functions = new List<FunctionDefinition>();
        foreach (var directory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var functionJson = Path.Combine(directory, "function.json");
            if (!File.Exists(functionJson))
            {
                continue;
            }

            var file = JsonSerializer.Deserialize<FunctionFile>(File.ReadAllText(functionJson), Json)
                ?? throw new InvalidOperationException($"{functionJson} is empty.");
            functions.Add(new FunctionDefinition(Path.GetFileName(directory), file.Bindings));
        }

        return new FunctionAppMetadata(
            functions,
            host.Extensions?.Queues ?? new QueueExtensionSettings(),
            host.Extensions?.Http?.RoutePrefix ?? "api");
    }

    /// <summary>Resolves a binding value such as <c>%OrderFulfilmentQueue%</c> from app settings, as the host does.</summary>
    public static string Resolve(string value, IConfiguration configuration)
    {
        if (value.Length > 2 && value.StartsWith('%') && value.EndsWith('%'))
        {
            var setting = value[1..^1];
            return configuration[setting] ?? configuration[setting.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"App setting '{setting}' used in a binding is not set.");
        }

        return value;
    }

    private sealed record HostFile(HostExtensions? Extensions);

    private sealed record HostExtensions(QueueExtensionSettings? Queues, HttpExtension? Http);

    private sealed record HttpExtension(string? RoutePrefix);

    private sealed record FunctionFile([property: JsonRequired] BindingDefinition[] Bindings);
}
