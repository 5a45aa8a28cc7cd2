namespace Fulfilment.Cli;

/// <summary>Plain-text columns for human output.</summary>
internal static class Table
{
    public static IEnumerable<string> Format(string[] headers, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        return all.Select(row => string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
    }
}
