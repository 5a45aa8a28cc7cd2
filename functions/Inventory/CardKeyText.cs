using System.Globalization;
using System.Text;

namespace Fulfilment.Inventory;

/// <summary>
/// What a card key's text may be, and when two texts are the same key. A key is stored and delivered as uploaded,
/// trimmed and in canonical Unicode form (NFC). Invisible and control characters are refused: a zero-width space or a
/// byte-order mark inside a key would make a second, unsellable copy of it. The duplicate check compares compatibility
/// forms (NFKC: a full-width letter is its ASCII letter) and, unless the SKU says case matters, ignores case.
/// </summary>
internal static class CardKeyText
{
    public const int MaxLength = 512;

    /// <summary>The key as it will be stored, or why the text is not a key.</summary>
    public static (string? Key, string? Problem) Clean(string text)
    {
        var key = text.Trim();
        if (key.Length == 0)
        {
            return (null, "blank");
        }

        if (key.Length > MaxLength)
        {
            return (null, $"longer than {MaxLength} characters");
        }

        for (var i = 0; i < key.Length;)
        {
            if (Rune.DecodeFromUtf16(key.AsSpan(i), out var rune, out var length) != System.Buffers.OperationStatus.Done)
            {
                return (null, "is not valid Unicode");
            }

            if (rune == Rune.ReplacementChar)
            {
                return (null, "contains U+FFFD: the upload was not valid UTF-8 there");
            }

            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return (null, $"contains an invisible or control character (U+{rune.Value:X4})");
            }

            i += length;
        }

        return (key.Normalize(NormalizationForm.FormC), null);
    }

    /// <summary>What the duplicate check compares for a clean key.</summary>
    public static string Identity(string key, bool caseSensitive)
    {
        var compatible = key.Normalize(NormalizationForm.FormKC);
        return caseSensitive ? compatible : compatible.ToUpperInvariant();
    }
}
