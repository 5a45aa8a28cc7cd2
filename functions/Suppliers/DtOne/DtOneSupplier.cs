using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers.DtOne;

/// <summary>
/// Top-ups through DT One's DVS API, asynchronous mode (docs/suppliers.md). Our client reference is the
/// <c>external_id</c> (a digest of it when longer than DVS's 40 characters), which DVS never accepts twice and by which a
/// query finds the transaction. A transaction lives CREATED → CONFIRMED → SUBMITTED → COMPLETED, or ends REJECTED,
/// DECLINED or CANCELLED; DVS recommends deciding on the status class, as here:
/// <list type="bullet">
/// <item>CREATED (not auto-confirmed, or its confirmation was lost) → confirmed now, then pending;</item>
/// <item>CONFIRMED, SUBMITTED → pending; COMPLETED → credited;</item>
/// <item>REJECTED, DECLINED, CANCELLED, REVERSED → confirmed failure; one about the credit party (invalid, barred,
/// ineligible) → rejected;</item>
/// <item><c>1007001</c> (external id already used) and any refusal we do not recognise → checked by a query;</item>
/// <item>documented refusals of the request (balance, product, amount, number) → failure or rejection;</item>
/// <item>401 → not accepted; 429 → not accepted, retry later; 5xx, timeouts, unreadable answers → unknown.</item>
/// </list>
/// </summary>
internal sealed class DtOneSupplier(string name, HttpClient http, SupplierOptions options, TimeProvider clock) : ISupplierClient
{
    public const int ExternalIdMaxLength = 40;

    /// <summary>Documented refusals after which no transaction exists: another supplier may do better.</summary>
    private static readonly HashSet<int> NotMade = [1000400, 1003001, 1003002, 1003003, 1005004, 1005005, 1005006, 1006001, 1007500];

    /// <summary>Documented refusals about the number itself: no supplier can credit it.</summary>
    private static readonly HashSet<int> BadNumber = [1005003, 1006503];

    private const int ExternalIdUsed = 1007001;
    private const int AlreadyConfirmed = 1007002;
    private const int NoLongerConfirmable = 1007004;
    private const int AlreadyCancelled = 1007005;
    private const int TransactionNotFound = 1008004;

    private readonly string authorization = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ApiKey}:{options.ApiSecret}"));

    /// <summary>Our reference as DVS's <c>external_id</c>: itself when it fits, else a digest of it (same every time).</summary>
    public static string ExternalId(string clientReference) =>
        clientReference.Length <= ExternalIdMaxLength && clientReference.All(c => c is > ' ' and < '\u007f')
            ? clientReference
            : "sha-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientReference)))[..(ExternalIdMaxLength - 4)];

    public async Task<SupplierOutcome> SubmitAsync(CreditRequest request, CancellationToken cancellationToken)
    {
        if (DtOneProduct.Parse(request.ProductCode) is not { } product)
        {
            return new SupplierOutcome(SupplierVerdict.Failed, Reason: $"product code '{request.ProductCode}' is not {DtOneProduct.Grammar}");
        }

        var externalId = ExternalId(request.ClientReference);
        var amount = new { unit_type = "CURRENCY", unit = request.Currency, amount = request.Amount };
        var body = new Dictionary<string, object?>
        {
            ["external_id"] = externalId,
            ["product_id"] = product.ProductId,
            ["auto_confirm"] = options.AutoConfirm,
            ["credit_party_identifier"] = new { mobile_number = request.Account },
        };
        if (SupplierCallbacks.UrlFor(name, options, request.PartnerId, request.OrderId) is { } callback)
        {
            body["callback_url"] = callback;
        }

        if (product.CalculationMode is { } mode)
        {
            body["calculation_mode"] = mode;
            body[mode == "SOURCE_AMOUNT" ? "source" : "destination"] = amount;
        }

        var (reply, noAnswer) = await SendAsync(HttpMethod.Post, "async/transactions", body, cancellationToken);
        if (noAnswer is not null)
        {
            return noAnswer;
        }

        if (reply!.Status is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            return reply.Read<DtOneTransaction>() is { } made && made.ExternalId == externalId
                ? await SettleAsync(made, cancellationToken)
                : new SupplierOutcome(SupplierVerdict.Unknown, Reason: "an answer that is not the transaction for our external_id");
        }

        var error = reply.Read<DtOneErrors>()?.First;
        return (reply.Code, error?.Code) switch
        {
            (429, _) => new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter),
            (401 or 403, _) => new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: $"DT One refused our credentials ({reply.Code})"),
            (>= 400 and < 500, { } code) when BadNumber.Contains(code) => new SupplierOutcome(SupplierVerdict.Rejected, Reason: $"{code}: {error!.Message}"),
            (>= 400 and < 500, { } code) when NotMade.Contains(code) => new SupplierOutcome(SupplierVerdict.Failed, Reason: $"{code}: {error!.Message}"),
            (>= 400 and < 500, _) => await SupplierLookup.AfterRefusalAsync(
                await FindAsync(externalId, cancellationToken), $"{reply.Code} {error?.Code}: {error?.Message}",
                found => found.CreditPartyIdentifier?.MobileNumber is not { } number || number == request.Account,
                found => SettleAsync(found, cancellationToken), externalId),
            _ => new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"HTTP {reply.Code}: {error?.Code} {error?.Message}"),
        };
    }

    public async Task<SupplierOutcome> QueryAsync(string clientReference, CancellationToken cancellationToken)
    {
        var (found, outcome) = await FindAsync(ExternalId(clientReference), cancellationToken);
        return found is null ? outcome! : await SettleAsync(found, cancellationToken);
    }

    private async Task<(DtOneTransaction? Found, SupplierOutcome? Outcome)> FindAsync(string externalId, CancellationToken cancellationToken)
    {
        var (reply, noAnswer) = await SendAsync(HttpMethod.Get, $"transactions?external_id={Uri.EscapeDataString(externalId)}", null, cancellationToken);
        if (noAnswer is not null)
        {
            return (null, noAnswer);
        }

        switch (reply!.Code)
        {
            case 200:
                if (reply.Read<List<DtOneTransaction?>>() is not { } list)
                {
                    return (null, new SupplierOutcome(SupplierVerdict.Unknown, Reason: "transactions: an answer that is not a list"));
                }

                return SupplierLookup.Single(list, t => t.ExternalId, externalId, "DT One");
            case 404 when reply.Read<DtOneErrors>()?.First?.Code == TransactionNotFound:
                return (null, new SupplierOutcome(SupplierVerdict.NotFound));
            case 429:
                return (null, new SupplierOutcome(SupplierVerdict.NotAccepted, Reason: "rate limited", RetryAfter: reply.RetryAfter));
            default:
                return (null, new SupplierOutcome(SupplierVerdict.Unknown, Reason: $"transactions: HTTP {reply.Code}"));
        }
    }

    /// <summary>What a transaction's status means for the money; a created one is confirmed first.</summary>
    private async Task<SupplierOutcome> SettleAsync(DtOneTransaction transaction, CancellationToken cancellationToken) =>
        transaction.Class == "CREATED" ? await ConfirmAsync(transaction, cancellationToken) : Classify(transaction);

    private async Task<SupplierOutcome> ConfirmAsync(DtOneTransaction transaction, CancellationToken cancellationToken)
    {
        var id = transaction.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (id is null)
        {
            return new SupplierOutcome(SupplierVerdict.Unknown, Reason: "a created transaction without an id");
        }

        var (reply, noAnswer) = await SendAsync(HttpMethod.Post, $"async/transactions/{id}/confirm", null, cancellationToken);
        if (noAnswer is not null)
        {
            return noAnswer with { SupplierReference = id };
        }

        if (reply!.Status is HttpStatusCode.Accepted or HttpStatusCode.OK)
        {
            var confirmed = reply.Read<DtOneTransaction>();
            return confirmed is null || confirmed.Class == "CREATED"
                ? new SupplierOutcome(SupplierVerdict.Pending, id, "confirmation sent")
                : Classify(confirmed);
        }

        var error = reply.Read<DtOneErrors>()?.First;
        return (reply.Code, error?.Code) switch
        {
            (_, AlreadyConfirmed) => new SupplierOutcome(SupplierVerdict.Pending, id, "already confirmed"),
            (_, NoLongerConfirmable or AlreadyCancelled) => new SupplierOutcome(SupplierVerdict.Failed, id, $"never sent to the operator: {error!.Code} {error.Message}"),
            (429, _) => new SupplierOutcome(SupplierVerdict.NotAccepted, id, "confirmation rate limited", reply.RetryAfter),
            _ => new SupplierOutcome(SupplierVerdict.Unknown, id, $"confirmation: HTTP {reply.Code} {error?.Code} {error?.Message}"),
        };
    }

    private static SupplierOutcome Classify(DtOneTransaction transaction)
    {
        var id = transaction.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var status = transaction.Status?.Message;
        return transaction.Class switch
        {
            "COMPLETED" => new SupplierOutcome(SupplierVerdict.Succeeded, id),
            "CONFIRMED" or "SUBMITTED" => new SupplierOutcome(SupplierVerdict.Pending, id, status),
            "REJECTED" or "DECLINED" when status is not null && (status.EndsWith("-INVALID-CREDIT-PARTY", StringComparison.Ordinal)
                || status.EndsWith("-BARRED-CREDIT-PARTY", StringComparison.Ordinal) || status.EndsWith("-INELIGIBLE-CREDIT-PARTY", StringComparison.Ordinal))
                => new SupplierOutcome(SupplierVerdict.Rejected, id, $"DT One: {status}"),
            "REJECTED" or "DECLINED" or "CANCELLED" or "REVERSED" => new SupplierOutcome(SupplierVerdict.Failed, id, $"DT One: {status ?? transaction.Class}"),
            var other => new SupplierOutcome(SupplierVerdict.Unknown, id, $"DT One status class '{other}'"),
        };
    }

    private async Task<(SupplierReply? Reply, SupplierOutcome? NoAnswer)> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: AppJson.Options);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", authorization);
        return await SupplierHttp.SendAsync(http, request, clock, cancellationToken);
    }
}
