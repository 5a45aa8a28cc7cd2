using System.Diagnostics;
using System.Text.Json;

namespace Fulfilment.Local;

/// <summary>
/// The app's handler executable started as its own process, with the settings of local.settings.sample.json. Both
/// outputs are read as they come (a pipe nobody reads would block the app once full): standard output is dropped, the
/// last lines of standard error are kept for when it stops. Disposing stops it by its pid.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private const int KeptErrorLines = 50;
    private readonly Queue<string> errorLines = new();

    private AppProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>The last lines the app wrote to standard error.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (errorLines)
            {
                return string.Join(Environment.NewLine, errorLines);
            }
        }
    }

    /// <summary>Starts <paramref name="executable"/> in <paramref name="folder"/> with every setting of the local sample, then <paramref name="settings"/> over them.</summary>
    public static AppProcess Start(string executable, string folder, IReadOnlyDictionary<string, string> settings)
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

        var app = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}."));
        app.Process.OutputDataReceived += (_, _) => { };
        app.Process.ErrorDataReceived += (_, line) => app.KeepErrorLine(line.Data);
        app.Process.BeginOutputReadLine();
        app.Process.BeginErrorReadLine();
        return app;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private void KeepErrorLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (errorLines)
        {
            errorLines.Enqueue(line);
            if (errorLines.Count > KeptErrorLines)
            {
                errorLines.Dequeue();
            }
        }
    }
}
