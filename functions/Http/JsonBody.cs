using System.Text.Json;
using Fulfilment.Serialization;

namespace Fulfilment.Http;

/// <summary>Reads a small JSON request body into a record, or says why it could not.</summary>
internal static class JsonBody
{
    private const int MaxBytes = 64 * 1024;
    public static Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request)
        where T : class => ReadAsync<T>(request, AppJson.Options);

    /// <summary>As <see cref="ReadAsync{T}(HttpRequest)"/>, refusing unknown fields and fields given twice.</summary>
    public static Task<(T? Value, IResult? Error)> ReadStrictAsync<T>(HttpRequest request)
        where T : class => ReadAsync<T>(request, AppJson.Strict);

    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options)
        where T : class
    {
        var body = await ApiResults.ReadBodyAsync(request, MaxBytes);
        if (body is null)
        {
            return (null, ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {MaxBytes} bytes."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body, options);
            return value is null
                ? (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_json", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_json", $"The body is not valid: {exception.Message}"));
        }
    }
}
