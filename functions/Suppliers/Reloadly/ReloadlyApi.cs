using System.Net;
using System.Net.Http.Headers;

namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// One Reloadly API (airtime or gift cards) as a supplier's settings name it: every request carries the supplier's token
/// and the API's media type; a token refused (401) is replaced and the request made once more, since a 401 did nothing.
/// </summary>
internal sealed class ReloadlyApi(string name, HttpClient http, SupplierOptions options, ReloadlyTokens tokens, TimeProvider clock, string mediaType)
{
    public async Task<(SupplierReply? Reply, SupplierOutcome? NoAnswer)> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        string? refused = null;
        while (true)
        {
            string token;
            try
            {
                token = await tokens.GetAsync(name, options, refused, cancellationToken);
            }
            catch (ReloadlyTokenException e)
            {
                return (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "not sent: " + e.Message));
            }

            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
            var (reply, noAnswer) = await SupplierHttp.SendAsync(http, request, clock, cancellationToken);
            if (reply?.Status != HttpStatusCode.Unauthorized || refused is not null)
            {
                return (reply, noAnswer);
            }

            refused = token;
        }
    }

    /// <summary>
    /// The one transaction under our reference in a transactions report (<paramref name="path"/>), or the outcome that
    /// stands for none, several, or no readable answer. The report is a page (<c>{"content": [...]}</c>, as the SDKs read
    /// it) or a bare list (as the gift-card API's description shows it): either is read.
    /// </summary>
    public async Task<(T? Found, SupplierOutcome? Outcome)> FindAsync<T>(string path, Func<T, string?> referenceOf, string reference, CancellationToken cancellationToken)
        where T : class
    {
        var (reply, noAnswer) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (noAnswer is not null)
        {
            return (null, noAnswer);
        }

        if (reply!.Status != HttpStatusCode.OK)
        {
            return (null, reply.Code == 429
                ? new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter)
                : new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"transactions report: HTTP {reply.Code}"));
        }

        var listed = reply.Body.TrimStart().StartsWith('[') ? reply.Read<List<T?>>() : reply.Read<Page<T>>()?.Content;
        return listed is null
            ? (null, new SupplierOutcome(SupplierVerdict.Unknown, Reason: "transactions report: an answer without content"))
            : SupplierLookup.Single(listed, referenceOf, reference, "Reloadly");
    }

    private sealed record Page<T>(List<T?>? Content)
        where T : class;
}
