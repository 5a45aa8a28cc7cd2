using System.Net;
using System.Text.Json;

namespace Fulfilment.SupplierSimulator;

/// <summary>
/// A supplier speaking the generic REST supplier protocol (docs/supplier-protocol.md), keeping a ledger of every
/// credit and misbehaving on demand (see <see cref="SupplierFaults"/>).
/// </summary>
public sealed class GenericRestSimulator : SimulatedSupplier
{
    private readonly string apiKey;
    private int supplierSequence;

    private GenericRestSimulator(string apiKey) => this.apiKey = apiKey;

    public static Task<GenericRestSimulator> StartAsync(string apiKey, int port = 0, int? seed = null, bool log = false) =>
        StartAsync(new GenericRestSimulator(apiKey), port, seed, log);

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/credits", (Delegate)SubmitAsync);
        app.MapGet("/v1/credits/{clientReference}", QueryAsync);
    }

    private async Task<IResult> SubmitAsync(HttpContext context)
    {
        Interlocked.Increment(ref Submits);
        if (!Authorized(context))
        {
            return Error(401, "unauthorized", "wrong API key");
        }

        var request = await ReadAsync<CreditRequest>(context);

        if (request is not { ClientReference.Length: > 0, Account.Length: > 0, ProductCode.Length: > 0, Amount.Length: > 0, Currency.Length: > 0 })
        {
            return Error(400, "invalid_request", "clientReference, productCode, account, amount and currency are required");
        }

        var faults = Faults;
        if (await BeforeSubmitAsync(context, faults) is { } refused)
        {
            return refused;
        }

        if (Ledger.Find(request.ClientReference) is { } known)
        {
            return known.ProductCode == request.ProductCode && known.Account == request.Account && known.Amount == request.Amount
                ? Answer(known)
                : Error(409, "reference_conflict", "this client reference was used for another credit");
        }

        if (request.Account.StartsWith(faults.InvalidAccountPrefix, StringComparison.Ordinal))
        {
            return Error(400, "invalid_account", $"account {request.Account} does not exist");
        }

        var now = DateTimeOffset.UtcNow;
        var outcome = Outcome(faults, "the operator declined the credit");
        var (credit, _) = Ledger.Add(new Credit(
            request.ClientReference, $"SIM-{Interlocked.Increment(ref supplierSequence):D8}", request.ProductCode, request.Account,
            request.Amount, request.Currency, outcome.Status, outcome.Reason, now, outcome.SettlesAt));

        return AfterSubmit(context, faults) ?? Answer(credit);
    }

    private async Task<IResult> QueryAsync(HttpContext context, string clientReference)
    {
        Interlocked.Increment(ref Queries);
        if (!Authorized(context))
        {
            return Error(401, "unauthorized", "wrong API key");
        }

        if (await BeforeQueryAsync(context, Faults) is { } refused)
        {
            return refused;
        }

        return Ledger.Find(clientReference) is { } credit ? Answer(credit, query: true) : Error(404, "not_found", "no such credit");
    }

    private static IResult Answer(Credit credit, bool query = false) => credit.Status switch
    {
        CreditStatus.Succeeded => Results.Json(new { status = "succeeded", supplierReference = credit.SupplierReference }, Json, statusCode: 200),
        CreditStatus.Pending => Results.Json(new { status = "pending", supplierReference = credit.SupplierReference }, Json, statusCode: query ? 200 : 202),
        _ => Results.Json(new { status = "failed", supplierReference = credit.SupplierReference, reason = credit.Reason }, Json, statusCode: 200),
    };

    protected override IResult FaultAnswer(HttpContext context, int status) => status switch
    {
        429 => Error(429, "rate_limited", "slow down"),
        500 => Error(500, "internal_error", "something broke"),
        _ => Error(status, "unavailable", "try again later"),
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, Json, statusCode: status);

    private bool Authorized(HttpContext context) => context.Request.Headers.Authorization.ToString() == $"Bearer {apiKey}";

    private sealed record CreditRequest(string? ClientReference, string? ProductCode, string? Account, string? Amount, string? Currency);
}
