using System.Globalization;
using System.Text;

namespace Fulfilment.Cli;

/// <summary>
/// Text from the app (an order's reason, a supplier's message, a partner's name) is not ours: before it reaches a
/// terminal, control characters (escape sequences that could move the cursor, rewrite lines or set the title) are
/// shown as <c>\u001b</c>-style escapes instead of being obeyed.
/// </summary>
internal static class TerminalText
{
    public static string Safe(string text)
    {
        if (!text.Any(IsControl))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            safe.Append(IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c);
        }

        return safe.ToString();
    }

    private static bool IsControl(char c) => c != '\t' && (char.IsControl(c) || c is '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'));
}
