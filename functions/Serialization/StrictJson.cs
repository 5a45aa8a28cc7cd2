using System.Text.Json;
using System.Text.Unicode;

namespace Fulfilment.Serialization;

/// <summary>
/// Reading a request body that must be exactly valid (Standard Webhooks payments, orders opened by partners): valid
/// UTF-8, a JSON object, no property twice, every field of its type. Nothing is guessed at or skipped.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>The body as a JSON object (the caller disposes it), or why it is not one.</summary>
    public static bool TryReadObject(ReadOnlySpan<byte> body, out JsonDocument? document, out string? problem)
    {
        (document, problem) = (null, null);
        if (!Utf8.IsValid(body))
        {
            problem = "body is not valid UTF-8";
            return false;
        }

        try
        {
            document = JsonDocument.Parse(body.ToArray(), Options);
        }
        catch (JsonException e)
        {
            problem = $"body is not valid JSON ({e.Message.Split(" Path:")[0]})";
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null;
            problem = "body must be a JSON object";
            return false;
        }

        return true;
    }

    /// <summary>
    /// A string property: absent (a problem if required), or a string of valid Unicode without control characters.
    /// A value of another type is a problem, never read as absent.
    /// </summary>
    public static string? Text(JsonElement parent, string parentPath, string name, List<string> problems, bool required)
    {
        var path = parentPath + name;
        if (!parent.TryGetProperty(name, out var value) || (!required && value.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                problems.Add($"{path} is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path} must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800): not a Unicode string at all.
            problems.Add($"{path} is not valid Unicode");
            return null;
        }

        if (text.Any(char.IsControl))
        {
            problems.Add($"{path} must not contain control characters");
            return null;
        }

        return text;
    }
}
