using Fulfilment.Contract;
using Fulfilment.Partners;

namespace Fulfilment.Http;

/// <summary>How long a retired credential keeps working, so the partner can switch: <c>{"overlapMinutes"}</c>, 0 to 10080, default 60.</summary>
internal static class Retirement
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromMinutes(60);

    /// <summary>
    /// What both retire endpoints do first: a valid partner id, the credential's id from the route
    /// (<paramref name="idRouteValue"/>), the overlap from the body; then <paramref name="retire"/> answers.
    /// </summary>
    public static async Task<IResult> HandleAsync(
        HttpContext context, string idRouteValue, Func<string, string, TimeSpan, Task<IResult>> retire)
    {
        var (overlap, error) = await ReadOverlapAsync(context.Request);
        if (error is not null)
        {
            return error;
        }

        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var id = (string)context.GetRouteValue(idRouteValue)!;
        return PartnerId.IsValid(partnerId)
            ? await retire(partnerId, id, overlap)
            : ApiResults.NotFound($"Partner '{partnerId}' has no {idRouteValue} '{id}'.");
    }

    public static async Task<(TimeSpan Overlap, IResult? Error)> ReadOverlapAsync(HttpRequest request)
    {
        if (request.ContentLength is null or 0 && !request.Headers.ContainsKey("Transfer-Encoding"))
        {
            return (DefaultOverlap, null);
        }

        var (body, error) = await JsonBody.ReadAsync<RetireRequest>(request);
        if (error is not null)
        {
            return (default, error);
        }

        return body!.OverlapMinutes is null ? (DefaultOverlap, null)
            : body.OverlapMinutes is >= 0 and <= 10_080 ? (TimeSpan.FromMinutes(body.OverlapMinutes.Value), null)
            : (default, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_overlap", "overlapMinutes must be a whole number from 0 to 10080."));
    }
}
