using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Fulfilment.SupplierSimulator;

/// <summary>
/// DT One's Digital Value Services (DVS) API, v1, as its OpenAPI description documents it (docs/suppliers.md):
/// <list type="bullet">
/// <item>HTTP Basic authentication with an API key and secret;</item>
/// <item><c>POST /v1/async/transactions</c> — <c>external_id</c> (our reference, at most 40 characters, never reused),
/// <c>product_id</c>, <c>credit_party_identifier {mobile_number}</c>, <c>auto_confirm</c>, <c>callback_url</c>; answers
/// 201 with the transaction, <c>CREATED</c> or (auto-confirmed) <c>CONFIRMED</c>;</item>
/// <item><c>POST /v1/async/transactions/{id}/confirm</c> — 202, or <c>1007002</c> already confirmed, <c>1007004</c>
/// can no longer be confirmed;</item>
/// <item><c>GET /v1/transactions?external_id=</c> — the transaction under our reference, or 404 <c>1008004</c>;</item>
/// <item>a confirmed transaction turns <c>COMPLETED</c> (or <c>DECLINED-…</c>) after <see cref="CompletionTime"/>,
/// and its final state is POSTed to its <c>callback_url</c>.</item>
/// </list>
/// Errors are <c>{"errors": [{"code", "message"}]}</c> with DVS's documented codes. DVS documents status names and
/// classes but not their numeric ids: the ids here are the simulator's own.
/// </summary>
public sealed class DtOneSimulator : SimulatedSupplier
{
    private const int ExternalIdMaxLength = 40;
    private readonly string authorization;
    private readonly ConcurrentDictionary<string, Pending> transactions = new();
    private readonly HttpClient callbacks = new() { Timeout = TimeSpan.FromSeconds(5) };
    private long transactionSequence = 2_000_000;

    private DtOneSimulator(string apiKey, string apiSecret) =>
        authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{apiKey}:{apiSecret}"));

    /// <summary>From confirmation to the operator's final answer, when no fault delays it more.</summary>
    public TimeSpan CompletionTime { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a created transaction can still be confirmed.</summary>
    public TimeSpan ConfirmationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Share of callbacks never sent (the caller's polling must still settle the order).</summary>
    public double CallbackLoss { get; set; }

    /// <summary>Callbacks sent, and confirmations received.</summary>
    public int CallbacksSent;
    public int Confirms;

    public static Task<DtOneSimulator> StartAsync(string apiKey, string apiSecret, int port = 0, int? seed = null, bool log = false) =>
        StartAsync(new DtOneSimulator(apiKey, apiSecret), port, seed, log);

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/async/transactions", (Delegate)CreateAsync);
        app.MapPost("/v1/async/transactions/{id:long}/confirm", (Delegate)ConfirmAsync);
        app.MapGet("/v1/transactions", FindAsync);
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        Interlocked.Increment(ref Submits);
        if (!Authorized(context))
        {
            return Error(401, 1000401, "Unauthorized");
        }

        var request = await ReadAsync<TransactionRequest>(context);
        if (request is not { external_id.Length: > 0 and <= ExternalIdMaxLength, product_id: > 0, credit_party_identifier.mobile_number.Length: > 0 })
        {
            return Error(400, 1000400, "Bad Request");
        }

        var faults = Faults;
        if (await BeforeSubmitAsync(context, faults) is { } failed)
        {
            return failed;
        }

        if (Ledger.Find(request.external_id) is not null)
        {
            return Error(400, 1007001, "Transaction external ID has already been used");
        }

        var number = request.credit_party_identifier.mobile_number;
        if (!number.StartsWith('+') || number[1..].StartsWith(faults.InvalidAccountPrefix, StringComparison.Ordinal))
        {
            return Error(400, 1005003, "Credit party mobile number is invalid");
        }

        var now = DateTimeOffset.UtcNow;
        var amount = request.destination?.amount?.ToString(CultureInfo.InvariantCulture) ?? "fixed";
        var (credit, _) = Ledger.Add(new Credit(
            request.external_id, "", request.product_id.Value.ToString(CultureInfo.InvariantCulture), number, amount, request.destination?.unit ?? "",
            CreditStatus.Created, null, now, null)
        {
            TransactionId = Interlocked.Increment(ref transactionSequence),
        });
        transactions[credit.ClientReference] = new Pending(request.callback_url, now + ConfirmationWindow);
        if (request.auto_confirm == true)
        {
            credit = Confirm(credit, faults);
        }

        return AfterSubmit(context, faults) ?? Results.Json(Transaction(credit), statusCode: 201);
    }

    private async Task<IResult> ConfirmAsync(HttpContext context, long id)
    {
        Interlocked.Increment(ref Confirms);
        if (!Authorized(context))
        {
            return Error(401, 1000401, "Unauthorized");
        }

        var faults = Faults;
        if (await BeforeSubmitAsync(context, faults) is { } failed)
        {
            return failed;
        }

        var credit = Ledger.All().FirstOrDefault(c => c.TransactionId == id);
        if (credit is null)
        {
            return Error(404, 1008004, "Transaction not found");
        }

        if (credit.Status != CreditStatus.Created)
        {
            return Error(400, 1007002, "Transaction has already been confirmed");
        }

        if (transactions[credit.ClientReference].ConfirmBy < DateTimeOffset.UtcNow)
        {
            Ledger.Update(credit.ClientReference, c => c with { Status = CreditStatus.Failed, Reason = "CANCELLED" });
            return Error(400, 1007004, "Transaction can no longer be confirmed");
        }

        credit = Confirm(credit, faults);
        return AfterSubmit(context, faults) ?? Results.Json(Transaction(credit), statusCode: 202);
    }

    private async Task<IResult> FindAsync(HttpContext context, string? external_id)
    {
        Interlocked.Increment(ref Queries);
        if (!Authorized(context))
        {
            return Error(401, 1000401, "Unauthorized");
        }

        if (await BeforeQueryAsync(context, Faults) is { } failed)
        {
            return failed;
        }

        var found = Ledger.All().Where(c => external_id is null || c.ClientReference == external_id).Select(Transaction).ToList();
        return found.Count == 0 && external_id is not null ? Error(404, 1008004, "Transaction not found") : Results.Json(found);
    }

    /// <summary>DT One's manual reversal of a completed transaction: the credit is taken back and the caller told at its callback URL.</summary>
    public void Reverse(string externalId)
    {
        Ledger.Update(externalId, c => c with { Status = CreditStatus.Failed, Reason = "REVERSED" });
        if (transactions[externalId].CallbackUrl is { } url)
        {
            _ = CallBackAsync(url, externalId, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>Sends the order to the operator: it settles later, and the caller hears of it at its callback URL.</summary>
    private Credit Confirm(Credit credit, SupplierFaults faults)
    {
        var outcome = Outcome(faults, "DECLINED-OPERATOR-CURRENTLY-UNAVAILABLE", (int)CompletionTime.TotalMilliseconds);
        var confirmed = Ledger.Update(credit.ClientReference, c => c with { Status = outcome.Status, Reason = outcome.Reason, SettlesAt = outcome.SettlesAt })!;
        if (transactions[credit.ClientReference].CallbackUrl is { } url && !Roll(CallbackLoss))
        {
            _ = CallBackAsync(url, credit.ClientReference, outcome.SettlesAt ?? DateTimeOffset.UtcNow);
        }

        return confirmed;
    }

    private async Task CallBackAsync(Uri url, string externalId, DateTimeOffset settlesAt)
    {
        try
        {
            await Task.Delay(settlesAt - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait + TimeSpan.FromMilliseconds(20) : TimeSpan.Zero);
            using var response = await callbacks.PostAsJsonAsync(url, Transaction(Ledger.Find(externalId)!));
            Interlocked.Increment(ref CallbacksSent);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ObjectDisposedException)
        {
            // DVS retries a few times, then stops: the caller's query is the safety net.
        }
    }

    private object Transaction(Credit credit)
    {
        var (status, statusClass) = credit.Status switch
        {
            CreditStatus.Created => ("CREATED", "CREATED"),
            CreditStatus.Pending => ("CONFIRMED", "CONFIRMED"),
            CreditStatus.Succeeded => ("COMPLETED", "COMPLETED"),
            _ when credit.Reason is "CANCELLED" or "REVERSED" => (credit.Reason, credit.Reason),
            _ => (credit.Reason ?? "DECLINED", "DECLINED"),
        };
        transactions.TryGetValue(credit.ClientReference, out var pending);
        return new
        {
            id = credit.TransactionId,
            external_id = credit.ClientReference,
            creation_date = credit.AcceptedAt,
            confirmation_expiration_date = pending?.ConfirmBy,
            status = new { id = StatusIds.IndexOf(statusClass) + 1, message = status, @class = new { id = StatusIds.IndexOf(statusClass) + 1, message = statusClass } },
            operator_reference = credit.Status == CreditStatus.Succeeded ? $"OPR-{credit.TransactionId}" : null,
            product = new { id = long.Parse(credit.ProductCode, CultureInfo.InvariantCulture), name = "Simulated product" },
            credit_party_identifier = new { mobile_number = credit.Account },
            callback_url = pending?.CallbackUrl,
        };
    }

    private static readonly List<string> StatusIds = ["CREATED", "CONFIRMED", "REJECTED", "CANCELLED", "SUBMITTED", "COMPLETED", "REVERSED", "DECLINED"];

    private bool Authorized(HttpContext context) => context.Request.Headers.Authorization.ToString() == authorization;

    /// <summary>DVS documents no Retry-After on its 429s.</summary>
    protected override bool SendsRetryAfter => false;

    protected override IResult FaultAnswer(HttpContext context, int status) => status switch
    {
        429 => Error(429, 1000429, "Too many requests"),
        500 => Error(500, 1009001, "Unexpected error, please contact our support team"),
        _ => Error(status, 1009503, "Service unavailable, please retry later"),
    };

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { errors = new[] { new { code, message } } }, statusCode: status);

    private sealed record Pending(Uri? CallbackUrl, DateTimeOffset ConfirmBy);

#pragma warning disable IDE1006, SA1300 // DVS's own field names
    private sealed record Party(string? mobile_number);

    private sealed record Value(string? unit_type, string? unit, decimal? amount);

    private sealed record TransactionRequest(
        string? external_id, long? product_id, Party? credit_party_identifier, bool? auto_confirm, Uri? callback_url, string? calculation_mode, Value? destination);
#pragma warning restore IDE1006, SA1300
}
