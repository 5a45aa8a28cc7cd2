using System.Net;
using System.Text.Json;

namespace Fulfilment.SupplierSimulator;

/// <summary>
/// A supplier on 127.0.0.1: a ledger of every credit (the truth tests check against), faults switched on demand
/// (<see cref="SupplierFaults"/>), and the wire protocol a subclass speaks. Every simulator also answers
/// <c>GET|DELETE /admin/ledger</c> and <c>GET|PUT /admin/faults</c>.
/// </summary>
public abstract class SimulatedSupplier : IAsyncDisposable
{
    private WebApplication? app;
    private Random random = new();

    public Uri BaseAddress { get; private set; } = null!;

    public Ledger Ledger { get; } = new();

    public SupplierFaults Faults { get; set; } = SupplierFaults.None;

    /// <summary>Submits and queries received, for tests that check what was asked.</summary>
    public int Submits;
    public int Queries;

    protected static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Starts <paramref name="simulator"/> on 127.0.0.1 (port 0: any free port).</summary>
    protected static async Task<T> StartAsync<T>(T simulator, int port, int? seed, bool log)
        where T : SimulatedSupplier
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (!log)
        {
            builder.Logging.ClearProviders();
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        simulator.app = app;
        simulator.random = seed is null ? new Random() : new Random(seed.Value);
        simulator.Map(app);
        simulator.MapAdmin(app);
        await app.StartAsync();
        simulator.BaseAddress = new Uri(app.Urls.First() + "/");
        return simulator;
    }

    /// <summary>The supplier's own endpoints.</summary>
    protected abstract void Map(WebApplication app);

    private void MapAdmin(WebApplication app)
    {
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

    /// <summary>The supplier's own answer to a fault: 429 (rate limited), 500 (broke after recording), 503 (unavailable).</summary>
    protected abstract IResult FaultAnswer(HttpContext context, int status);

    /// <summary>Whether its 429 answers carry Retry-After.</summary>
    protected virtual bool SendsRetryAfter => true;

    /// <summary>Latency, then the faults that refuse a submit before anything is recorded; null: go on.</summary>
    protected async Task<IResult?> BeforeSubmitAsync(HttpContext context, SupplierFaults faults)
    {
        await Task.Delay(faults.LatencyMilliseconds, context.RequestAborted);
        return Roll(faults.RateLimited) ? RateLimited(context, faults)
            : Roll(faults.ServerErrorBeforeCrediting) ? FaultAnswer(context, 503)
            : null;
    }

    /// <summary>Latency, then the faults that refuse a status query; null: go on.</summary>
    protected async Task<IResult?> BeforeQueryAsync(HttpContext context, SupplierFaults faults)
    {
        await Task.Delay(faults.LatencyMilliseconds, context.RequestAborted);
        return Roll(faults.QueryRateLimited) ? RateLimited(context, faults)
            : Roll(faults.QueryServerError) ? FaultAnswer(context, 503)
            : null;
    }

    /// <summary>The faults once a submit is recorded: the connection dropped unanswered, or a 500; null: answer it.</summary>
    protected IResult? AfterSubmit(HttpContext context, SupplierFaults faults)
    {
        if (Roll(faults.TimeoutAfterAccepting))
        {
            context.Abort();
            return Results.Empty;
        }

        return Roll(faults.ServerErrorAfterCrediting) ? FaultAnswer(context, 500) : null;
    }

    private IResult RateLimited(HttpContext context, SupplierFaults faults)
    {
        if (SendsRetryAfter)
        {
            context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return FaultAnswer(context, 429);
    }

    /// <summary>How an accepted credit turns out, by the faults: at once, later, or later as a failure.</summary>
    protected (CreditStatus Status, string? Reason, DateTimeOffset? SettlesAt) Outcome(SupplierFaults faults, string declineReason, int settleMilliseconds = 0)
    {
        var now = DateTimeOffset.UtcNow;
        return Roll(faults.Pending) ? (CreditStatus.Pending, null, now.AddMilliseconds(faults.PendingMilliseconds))
            : Roll(faults.PendingThenFailed) ? (CreditStatus.Pending, declineReason, now.AddMilliseconds(faults.PendingMilliseconds))
            : settleMilliseconds > 0 ? (CreditStatus.Pending, null, now.AddMilliseconds(settleMilliseconds))
            : (CreditStatus.Succeeded, null, null);
    }

    protected bool Roll(double probability)
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

    /// <summary>A JSON body, or null when it is not JSON of that shape.</summary>
    protected static async Task<T?> ReadAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            return await context.Request.ReadFromJsonAsync<T>(Json, context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
