using System.Net;
using Fulfilment.Catalogue;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers.Reloadly;

/// <summary>
/// Top-ups through Reloadly's airtime API (docs/suppliers.md). Our client reference is the <c>customIdentifier</c>,
/// which Reloadly never accepts twice, and what a query looks up in the transaction reports. Answers are classified
/// for the money:
/// <list type="bullet">
/// <item><c>SUCCESSFUL</c> → credited; <c>PROCESSING</c> → pending; <c>FAILED</c>, <c>REFUNDED</c> → confirmed failure;</item>
/// <item><c>INVALID_RECIPIENT_PHONE</c> → rejected; a documented refusal of the request → confirmed failure;</item>
/// <item>any other refusal of a submit is checked by a query first: it may be Reloadly refusing a reference it already
/// holds (its answer to that is not documented), so only the query's answer counts;</item>
/// <item>a refused token is replaced and the call made once more (a 401 means nothing was done);</item>
/// <item>429 → not accepted, retry later; 5xx, timeouts, unreadable answers → unknown.</item>
/// </list>
/// </summary>
internal sealed class ReloadlySupplier(ReloadlyApi api) : ISupplierClient
{
    public const string MediaType = "application/com.reloadly.topups-v1+json";

    /// <summary>Refusals Reloadly documents for a top-up that was not made (the number's country, the rate).</summary>
    private static readonly HashSet<string> NotMade = ["COUNTRY_NOT_SUPPORTED", "FX_RATE_NOT_AVAILABLE"];

    public async Task<SupplierOutcome> SubmitAsync(CreditRequest request, CancellationToken cancellationToken)
    {
        if (ReloadlyProduct.Parse(request.ProductCode) is not { } product)
        {
            return new SupplierOutcome(SupplierVerdict.Failed, Reason: $"product code '{request.ProductCode}' is not {ReloadlyProduct.Grammar}");
        }

        var operatorId = product.OperatorId;
        if (operatorId is null)
        {
            var (detected, notDetected) = await DetectOperatorAsync(request.Account, product.Country, cancellationToken);
            if (notDetected is not null)
            {
                return notDetected;
            }

            operatorId = detected!.Value;
        }

        var body = new
        {
            operatorId = operatorId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            amount = Money.Format(request.Amount, request.Currency),
            useLocalAmount = product.UseLocalAmount,
            customIdentifier = request.ClientReference,
            recipientPhone = new { countryCode = product.Country, number = request.Account },
        };
        var (reply, noAnswer) = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "topups") { Content = JsonContent.Create(body, options: AppJson.Options) }, cancellationToken);
        if (noAnswer is not null)
        {
            return noAnswer;
        }

        if (reply!.Status == HttpStatusCode.OK)
        {
            return reply.Read<ReloadlyTransaction>() is { } made && made.CustomIdentifier == request.ClientReference
                ? Classify(made)
                : new SupplierOutcome(SupplierVerdict.Unknown, Reason: "an answer that is not the transaction for our customIdentifier");
        }

        var error = reply.Read<ReloadlyError>();
        return reply.Code switch
        {
            429 => new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter),
            401 or 403 => new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: $"Reloadly refused our token ({error?.ErrorCode})"),
            400 when error?.ErrorCode == "INVALID_RECIPIENT_PHONE" => new SupplierOutcome(SupplierVerdict.Rejected, Reason: $"INVALID_RECIPIENT_PHONE: {error.Message}"),
            400 when error?.ErrorCode is { } code && NotMade.Contains(code) => new SupplierOutcome(SupplierVerdict.Failed, Reason: $"{code}: {error.Message}"),
            >= 400 and < 500 => await SupplierLookup.AfterRefusalAsync(
                await FindAsync(request.ClientReference, cancellationToken), $"{reply.Code} {error?.ErrorCode}: {error?.Message}",
                found => found.RecipientPhone is not { } phone || phone.EndsWith(request.Account.TrimStart('+'), StringComparison.Ordinal),
                found => Task.FromResult(Classify(found)), request.ClientReference),
            _ => new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"HTTP {reply.Code}: {error?.ErrorCode} {error?.Message}"),
        };
    }

    public async Task<SupplierOutcome> QueryAsync(string clientReference, CancellationToken cancellationToken)
    {
        var (found, outcome) = await FindAsync(clientReference, cancellationToken);
        return outcome ?? Classify(found!);
    }

    /// <summary>The transaction under our reference, or the outcome that stands for it (never made, or unknown).</summary>
    private Task<(ReloadlyTransaction? Found, SupplierOutcome? Outcome)> FindAsync(string clientReference, CancellationToken cancellationToken) =>
        api.FindAsync<ReloadlyTransaction>(
            $"topups/reports/transactions?customIdentifier={Uri.EscapeDataString(clientReference)}&page=1&size=10", t => t.CustomIdentifier, clientReference, cancellationToken);

    private async Task<(long? OperatorId, SupplierOutcome? NotDetected)> DetectOperatorAsync(string account, string country, CancellationToken cancellationToken)
    {
        var path = $"operators/auto-detect/phone/{Uri.EscapeDataString(account)}/countries/{country}";
        var (reply, noAnswer) = await api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (noAnswer is not null)
        {
            // Nothing was submitted yet: whatever happened, no credit can have been made.
            return (null, noAnswer with { Verdict = SupplierVerdict.NotAccepted, Reason = "operator detection: " + noAnswer.Reason });
        }

        return reply!.Code switch
        {
            200 when reply.Read<DetectedOperator>()?.OperatorId is > 0 and var id => (id, null),
            404 or 400 => (null, new SupplierOutcome(SupplierVerdict.Rejected, Reason: $"Reloadly found no operator for the number in {country}: {reply.Read<ReloadlyError>()?.Message}")),
            429 => (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "operator detection: rate limited", RetryAfter: reply.RetryAfter)),
            _ => (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: $"operator detection: HTTP {reply.Code}")),
        };
    }

    private static SupplierOutcome Classify(ReloadlyTransaction transaction) => transaction.Status switch
    {
        "SUCCESSFUL" => new SupplierOutcome(SupplierVerdict.Succeeded, transaction.TransactionId?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        "PROCESSING" or "PENDING" => new SupplierOutcome(SupplierVerdict.Pending, transaction.TransactionId?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        "FAILED" or "REFUNDED" => new SupplierOutcome(SupplierVerdict.Failed, transaction.TransactionId?.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Reloadly: {transaction.Status}"),
        var other => new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"Reloadly status '{other}'"),
    };

    private sealed record DetectedOperator(long? OperatorId);
}
