using System.Text.Json;

namespace Fulfilment.Hosting;

/// <summary>
/// Without the Functions host, nobody turns local.settings.json's <c>Values</c> into environment variables:
/// the app reads them itself (environment variables still win), so both ways of running share one settings file.
/// </summary>
internal static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static void AddTo(ConfigurationManager configuration, params string[] directories)
    {
        var path = directories.Select(d => Path.Combine(d, FileName)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("Values", out var values))
        {
            return;
        }

        var settings = values.EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.ToString());
        var environment = configuration.Sources.OfType<Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource>().ToList();
        configuration.AddInMemoryCollection(settings);

        // Re-add the environment last so it overrides the file, as under the Functions host.
        foreach (var source in environment)
        {
            configuration.Sources.Remove(source);
            configuration.Sources.Add(source);
        }
    }
}
