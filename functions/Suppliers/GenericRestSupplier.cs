using System.Net;
using System.Net.Http.Headers;
using Fulfilment.Catalogue;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers;

/// <summary>
/// A supplier speaking the generic REST supplier protocol (docs/supplier-protocol.md). Every answer is
/// classified for the money: what is certain (succeeded, failed, rejected, never received, not accepted) and
/// what is not (unknown), which only a query by our client reference can settle.
/// </summary>
internal sealed class GenericRestSupplier(HttpClient http, string apiKey, TimeProvider clock) : ISupplierClient
{
    public async Task<SupplierOutcome> SubmitAsync(CreditRequest request, CancellationToken cancellationToken)
    {
        var body = new
        {
            request.ClientReference,
            request.ProductCode,
            request.Account,
            Amount = Money.Format(request.Amount, request.Currency),
            request.Currency,
        };
        return await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/credits") { Content = JsonContent.Create(body, options: AppJson.Options) }, isQuery: false, cancellationToken);
    }

    public Task<SupplierOutcome> QueryAsync(string clientReference, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"v1/credits/{Uri.EscapeDataString(clientReference)}"), isQuery: true, cancellationToken);

    private async Task<SupplierOutcome> SendAsync(Func<HttpRequestMessage> create, bool isQuery, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var (reply, noAnswer) = await SupplierHttp.SendAsync(http, request, clock, cancellationToken);
        return noAnswer ?? Classify(reply!, isQuery);
    }

    private static SupplierOutcome Classify(SupplierReply reply, bool isQuery)
    {
        var answer = reply.Read<SupplierAnswer>();
        var reason = answer?.Error?.Message ?? answer?.Reason;
        switch (reply.Status)
        {
            case HttpStatusCode.OK or HttpStatusCode.Accepted when answer?.Status is { } state:
                return state switch
                {
                    "succeeded" => new SupplierOutcome(SupplierVerdict.Succeeded, answer.SupplierReference),
                    "pending" => new SupplierOutcome(SupplierVerdict.Pending, answer.SupplierReference),
                    "failed" => new SupplierOutcome(SupplierVerdict.Failed, answer.SupplierReference, reason ?? "failed"),
                    _ => new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"unknown status '{state}'"),
                };
            case HttpStatusCode.NotFound when isQuery:
                return new SupplierOutcome(SupplierVerdict.NotFound);
            case HttpStatusCode.TooManyRequests:
                return new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter);
            case HttpStatusCode.BadRequest when !isQuery:
                return new SupplierOutcome(SupplierVerdict.Rejected, Reason: $"{answer?.Error?.Code ?? "bad_request"}: {reason}");
            case HttpStatusCode.Conflict when !isQuery:
                // The supplier holds our reference for another credit: it may have credited under it. Never refundable.
                return new SupplierOutcome(SupplierVerdict.ReferenceConflict, Reason: $"reference_conflict: {reason}");
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                // Our configuration is wrong; nothing was done. Not the buyer's fault: try again once fixed.
                return new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: $"supplier refused our credentials ({reply.Code})");
            default:
                return new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"HTTP {reply.Code}: {reason}");
        }
    }

    private sealed record SupplierAnswer(string? Status, string? SupplierReference, string? Reason, SupplierError? Error);

    private sealed record SupplierError(string? Code, string? Message);
}
