using Fulfilment.Contract;

namespace Fulfilment.Http;

/// <summary>Every error the HTTP API returns has one shape: <c>{"error": {"code", "message", "details"?}}</c>.</summary>
internal static class ApiResults
{
    public static IResult Error(int statusCode, string code, string message, object? details = null) =>
        Results.Json(new ErrorResponse(new ErrorDetail(code, message, details)), statusCode: statusCode);

    public static IResult NotFound(string message = "Not found.") => Error(StatusCodes.Status404NotFound, "not_found", message);

    public static IResult Unauthorized(string message) => Error(StatusCodes.Status401Unauthorized, "unauthorized", message);

    /// <summary>Reads a request body of at most <paramref name="maxBytes"/>; null when it is larger.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, if any.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
