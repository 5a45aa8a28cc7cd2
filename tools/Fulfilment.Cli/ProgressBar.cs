using System.Diagnostics;

namespace Fulfilment.Cli;

/// <summary>
/// Progress of long work on stderr: a bar redrawn in place on a terminal, else one line per update (logs, CI).
/// </summary>
internal sealed class ProgressBar(TextWriter error, bool interactive, string unit, long? total)
{
    private const int Width = 30;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public void Report(long done, string? note = null)
    {
        var rate = done / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var text = total is > 0
            ? $"[{new string('#', (int)(Width * Math.Min(done, total.Value) / total.Value)).PadRight(Width, '.')}] {done:N0}/{total:N0} {unit}  {rate:N0} {unit}/s"
            : $"{done:N0} {unit}  {rate:N0} {unit}/s";
        if (note is not null)
        {
            text += "  " + note;
        }

        if (interactive)
        {
            error.Write("\r" + text.PadRight(100));
        }
        else
        {
            error.WriteLine(text);
        }
    }

    /// <summary>Ends the bar's line, so that what follows starts on a new one.</summary>
    public void Finish()
    {
        if (interactive)
        {
            error.WriteLine();
        }
    }
}
