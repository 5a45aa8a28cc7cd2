using System.Net;
using System.Text.Json;

namespace Fulfilment.SupplierSimulator;

/// <summary>
/// A supplier on 127.0.0.1 speaking the generic REST supplier protocol (docs/supplier-protocol.md), keeping a
/// ledger of every credit and misbehaving on demand (see <see cref="SupplierFaults"/>).
/// </summary>
public sealed class Simulator : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    private readonly WebApplication app;
    private readonly Random random;
    private readonly string apiKey;
    private int supplierSequence;

    private Simulator(WebApplication app, string apiKey, int? seed)
    {
        this.app = app;
        this.apiKey = apiKey;
        random = seed is null ? new Random() : new Random(seed.Value);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Ledger Ledger { get; } = new();

    public SupplierFaults Faults { get; set; } = SupplierFaults.None;

    /// <summary>Submits and queries received, for tests that check what was asked.</summary>
    public int Submits;
    public int Queries;

    public static async Task<Simulator> StartAsync(string apiKey, int port = 0, int? seed = null, bool log = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (!log)
        {
            builder.Logging.ClearProviders();
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var simulator = new Simulator(app, apiKey, seed);
        simulator.Map();
        await app.StartAsync();
        simulator.BaseAddress = new Uri(app.Urls.First() + "/");
        return simulator;
    }

    private void Map()
    {
        app.MapPost("/v1/credits", (Delegate)SubmitAsync);
        app.MapGet("/v1/credits/{clientReference}", QueryAsync);
        app.MapGet("/admin/ledger", () => Results.Json(Ledger.All(), Json));
        app.MapDelete("/admin/ledger", () =>
        {
            Ledger.Clear();
            return Results.NoContent();
        });
        app.MapGet("/admin/faults", () => Results.Json(Faults, Json));
        app.MapPut("/admin/faults", (SupplierFaults faults) =>
        {
            Faults = faults;
            return Results.Json(Faults, Json);
        });
    }

    private async Task<IResult> SubmitAsync(HttpContext context)
    {
        Interlocked.Increment(ref Submits);
        if (!Authorized(context))
        {
            return Error(401, "unauthorized", "wrong API key");
        }

        CreditRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<CreditRequest>(Json, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is not { ClientReference.Length: > 0, Account.Length: > 0, ProductCode.Length: > 0, Amount.Length: > 0, Currency.Length: > 0 })
        {
            return Error(400, "invalid_request", "clientReference, productCode, account, amount and currency are required");
        }

        var faults = Faults;
        await Task.Delay(faults.LatencyMilliseconds, context.RequestAborted);
        if (Roll(faults.RateLimited))
        {
            context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(429, "rate_limited", "slow down");
        }

        if (Roll(faults.ServerErrorBeforeCrediting))
        {
            return Error(503, "unavailable", "try again later");
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
        (CreditStatus Status, string? Reason, DateTimeOffset? SettlesAt) outcome =
            Roll(faults.Pending) ? (CreditStatus.Pending, null, now.AddMilliseconds(faults.PendingMilliseconds))
            : Roll(faults.PendingThenFailed) ? (CreditStatus.Pending, "the operator declined the credit", now.AddMilliseconds(faults.PendingMilliseconds))
            : (CreditStatus.Succeeded, null, null);
        var (credit, _) = Ledger.Add(new Credit(
            request.ClientReference, $"SIM-{Interlocked.Increment(ref supplierSequence):D8}", request.ProductCode, request.Account,
            request.Amount, request.Currency, outcome.Status, outcome.Reason, now, outcome.SettlesAt));

        if (Roll(faults.TimeoutAfterAccepting))
        {
            context.Abort();
            return Results.Empty;
        }

        return Roll(faults.ServerErrorAfterCrediting) ? Error(500, "internal_error", "something broke") : Answer(credit);
    }

    private async Task<IResult> QueryAsync(HttpContext context, string clientReference)
    {
        Interlocked.Increment(ref Queries);
        if (!Authorized(context))
        {
            return Error(401, "unauthorized", "wrong API key");
        }

        var faults = Faults;
        await Task.Delay(faults.LatencyMilliseconds, context.RequestAborted);
        if (Roll(faults.QueryRateLimited))
        {
            context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(429, "rate_limited", "slow down");
        }

        if (Roll(faults.QueryServerError))
        {
            return Error(503, "unavailable", "try again later");
        }

        return Ledger.Find(clientReference) is { } credit ? Answer(credit, query: true) : Error(404, "not_found", "no such credit");
    }

    private static IResult Answer(Credit credit, bool query = false) => credit.Status switch
    {
        CreditStatus.Succeeded => Results.Json(new { status = "succeeded", supplierReference = credit.SupplierReference }, Json, statusCode: 200),
        CreditStatus.Pending => Results.Json(new { status = "pending", supplierReference = credit.SupplierReference }, Json, statusCode: query ? 200 : 202),
        _ => Results.Json(new { status = "failed", supplierReference = credit.SupplierReference, reason = credit.Reason }, Json, statusCode: 200),
    };

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, Json, statusCode: status);

    private bool Authorized(HttpContext context) => context.Request.Headers.Authorization.ToString() == $"Bearer {apiKey}";

    private bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (random)
        {
            return random.NextDouble() < probability;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record CreditRequest(string? ClientReference, string? ProductCode, string? Account, string? Amount, string? Currency);
}
