using System.Diagnostics;
using System.Text.Json;

namespace Fulfilment.Local;

/// <summary>The app's handler executable started as its own process, with the settings of local.settings.sample.json.</summary>
public static class AppProcess
{
    /// <summary>
    /// Starts <paramref name="executable"/> in <paramref name="folder"/> with every setting of the local sample, then
    /// <paramref name="settings"/> over them; output is read and dropped. The caller stops it by its pid.
    /// </summary>
    public static Process Start(string executable, string folder, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(executable) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "local.settings.sample.json")));
        foreach (var setting in sample.RootElement.GetProperty("Values").EnumerateObject())
        {
            start.Environment[setting.Name] = setting.Value.GetString();
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
