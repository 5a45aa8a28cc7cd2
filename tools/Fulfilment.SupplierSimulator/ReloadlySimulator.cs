using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Fulfilment.SupplierSimulator;

/// <summary>
/// Reloadly's airtime API as its public OpenAPI description and official SDKs document it (docs/suppliers.md):
/// <list type="bullet">
/// <item><c>POST /oauth/token</c> — OAuth2 client credentials for an audience; tokens expire after
/// <see cref="TokenLifetime"/>; an expired one is refused with <c>TOKEN_EXPIRED</c>, an unknown one with
/// <c>INVALID_TOKEN</c>;</item>
/// <item><c>POST /topups</c> — <c>operatorId</c>, <c>amount</c>, <c>useLocalAmount</c>, <c>customIdentifier</c>,
/// <c>recipientPhone {countryCode, number}</c>; answers the transaction, <c>SUCCESSFUL</c> or <c>PROCESSING</c>;</item>
/// <item><c>GET /topups/reports/transactions?customIdentifier=</c> — the transactions made under that reference
/// (<c>{"content": [...]}</c>), where a <c>PROCESSING</c> one later turns <c>SUCCESSFUL</c> or <c>REFUNDED</c>;</item>
/// <item><c>GET /operators/auto-detect/phone/{phone}/countries/{iso}</c> — the operator of a number;</item>
/// <item>gift cards: <c>POST /orders</c> (<c>productId</c>, <c>quantity</c>, <c>unitPrice</c>, <c>customIdentifier</c>,
/// <c>senderName</c>), <c>GET /orders/transactions/{id}/cards</c> (the redeem codes, <c>[{cardNumber, pinCode}]</c>) and
/// <c>GET /reports/transactions?customIdentifier=</c>. A product id that starts with the faults' invalid-account prefix
/// is refused as Reloadly refuses a wrong price.</item>
/// </list>
/// Errors are <c>{timeStamp, message, path, errorCode, infoLink, details}</c>. Phone numbers that start with the
/// faults' invalid-account prefix are refused with <c>INVALID_RECIPIENT_PHONE</c>. The auth server and the API share
/// one port here; in Reloadly's world they are two hosts.
/// </summary>
public sealed class ReloadlySimulator : SimulatedSupplier
{
    /// <summary>The most gift cards one order may buy here (Reloadly documents no limit).</summary>
    public const int MaxCardsPerOrder = 10;

    /// <summary>The operator auto-detection answers for any valid number.</summary>
    public const int DetectedOperatorId = 341;

    private readonly string clientId;
    private readonly string clientSecret;
    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new();
    private long transactionSequence = 4_600_000;

    private ReloadlySimulator(string clientId, string clientSecret)
    {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /// <summary>How long a token it issues lasts (Reloadly's example: 5,184,000 s).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gift-card codes (<c>cardNumber/pinCode</c>) to sell before making up new ones: a broken or hostile supplier that
    /// sells the same code twice, or a code the shop already has.
    /// </summary>
    public ConcurrentQueue<string> CodesToSell { get; } = new();

    /// <summary>Tokens issued so far.</summary>
    public int TokensIssued;

    /// <summary>API calls refused for an expired or unknown token.</summary>
    public int TokensRefused;

    /// <summary>The audience a token must be asked for (the API's own URL, as Reloadly names it).</summary>
    public string Audience => BaseAddress.ToString().TrimEnd('/');

    public static Task<ReloadlySimulator> StartAsync(string clientId, string clientSecret, int port = 0, int? seed = null, bool log = false) =>
        StartAsync(new ReloadlySimulator(clientId, clientSecret), port, seed, log);

    /// <summary>Every token issued so far stops working now, as if its lifetime had run out.</summary>
    public void ExpireTokens()
    {
        foreach (var token in tokens.Keys)
        {
            tokens[token] = DateTimeOffset.MinValue;
        }
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/oauth/token", (Delegate)IssueTokenAsync);
        app.MapPost("/topups", (Delegate)TopUpAsync);
        app.MapGet("/topups/reports/transactions", Transactions);
        app.MapGet("/operators/auto-detect/phone/{phone}/countries/{country}", DetectOperator);
        app.MapPost("/orders", (Delegate)OrderGiftCardAsync);
        app.MapGet("/orders/transactions/{transactionId:long}/cards", RedeemCodeAsync);
        app.MapGet("/reports/transactions", GiftCardTransactions);
    }

    private async Task<IResult> IssueTokenAsync(HttpContext context)
    {
        var request = await ReadAsync<TokenRequest>(context);
        if (request is null || request.client_id != clientId || request.client_secret != clientSecret || request.grant_type != "client_credentials")
        {
            return Error(context, 401, "INVALID_CREDENTIALS", "Access Denied");
        }

        if (request.audience != Audience)
        {
            return Error(context, 401, "INVALID_AUDIENCE", "The provided audience is not valid");
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        tokens[token] = DateTimeOffset.UtcNow + TokenLifetime;
        Interlocked.Increment(ref TokensIssued);
        return Results.Json(new { access_token = token, scope = "developer", expires_in = (long)TokenLifetime.TotalSeconds, token_type = "Bearer" });
    }

    private async Task<IResult> TopUpAsync(HttpContext context)
    {
        Interlocked.Increment(ref Submits);
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        var request = await ReadAsync<TopUpRequest>(context);
        var amount = Number(request?.amount);
        var operatorId = Number(request?.operatorId);
        if (request is null || amount is not > 0 || operatorId is null || request.recipientPhone is not { countryCode.Length: 2, number.Length: > 0 })
        {
            return Error(context, 400, null, "operatorId, amount and recipientPhone {countryCode, number} are required");
        }

        var faults = Faults;
        if (await BeforeSubmitAsync(context, faults) is { } failed)
        {
            return failed;
        }

        var reference = request.customIdentifier;
        if (reference is { Length: > 0 } && Ledger.Find(reference) is not null)
        {
            // Reloadly documents that a customIdentifier "cannot be reused", not what it answers: this answer is ours.
            return Error(context, 400, null, "The custom identifier has already been used");
        }

        if (request.recipientPhone.number.TrimStart('+').StartsWith(faults.InvalidAccountPrefix, StringComparison.Ordinal))
        {
            return Error(context, 400, "INVALID_RECIPIENT_PHONE", "Recipient phone number is not valid");
        }

        var outcome = Outcome(faults, "the operator did not credit the number; the amount was refunded");
        var currency = request.useLocalAmount == true ? "LOCAL" : "USD";
        var (credit, _) = Ledger.Add(new Credit(
            reference is { Length: > 0 } ? reference : $"none-{Guid.NewGuid():N}", "", operatorId.Value.ToString(CultureInfo.InvariantCulture),
            request.recipientPhone.number, amount.Value.ToString(CultureInfo.InvariantCulture), currency, outcome.Status, outcome.Reason,
            DateTimeOffset.UtcNow, outcome.SettlesAt)
        {
            TransactionId = Interlocked.Increment(ref transactionSequence),
        });

        return AfterSubmit(context, faults) ?? Results.Json(Transaction(credit, request.recipientPhone.countryCode));
    }

    private async Task<IResult> Transactions(HttpContext context, string? customIdentifier)
    {
        Interlocked.Increment(ref Queries);
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        if (await BeforeQueryAsync(context, Faults) is { } failed)
        {
            return failed;
        }

        var found = Ledger.All().Where(c => c.Code is null && (customIdentifier is null || c.ClientReference == customIdentifier)).Select(c => Transaction(c, null)).ToList();
        return Results.Json(new { content = found, totalElements = found.Count, totalPages = 1, number = 0, size = 200 });
    }

    private IResult DetectOperator(HttpContext context, string phone, string country)
    {
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        if (country.Length != 2)
        {
            return Error(context, 404, null, "Country code must be 2 characters ISO-Alpha-2 country code.");
        }

        return phone.TrimStart('+').StartsWith(Faults.InvalidAccountPrefix, StringComparison.Ordinal)
            ? Error(context, 404, null, "Could not auto detect operator for given phone number")
            : Results.Json(new { id = DetectedOperatorId, operatorId = DetectedOperatorId, name = "MTN Nigeria", country = new { isoName = country, name = country } });
    }

    private async Task<IResult> OrderGiftCardAsync(HttpContext context)
    {
        Interlocked.Increment(ref Submits);
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        var request = await ReadAsync<GiftCardOrder>(context);
        var productId = Number(request?.productId);
        var unitPrice = Number(request?.unitPrice);
        var quantity = Number(request?.quantity);
        if (request is null || productId is not > 0 || unitPrice is not > 0 || quantity is not (>= 1 and <= MaxCardsPerOrder) || quantity % 1 != 0
            || request.senderName is not { Length: > 0 })
        {
            return Error(context, 400, null, $"productId, quantity (1-{MaxCardsPerOrder} here), unitPrice and senderName are required");
        }

        var faults = Faults;
        if (await BeforeSubmitAsync(context, faults) is { } failed)
        {
            return failed;
        }

        if (request.customIdentifier is { Length: > 0 } used && Ledger.Find(used) is not null)
        {
            return Error(context, 400, null, "The custom identifier has already been used"); // undocumented answer: ours
        }

        if (productId.Value.ToString(CultureInfo.InvariantCulture).StartsWith(faults.InvalidAccountPrefix, StringComparison.Ordinal))
        {
            return Error(context, 400, null, "Invalid price, please ensure you selected the right price.");
        }

        var outcome = Outcome(faults, "the gift card could not be issued; the amount was refunded");
        var (card, _) = Ledger.Add(new Credit(
            request.customIdentifier is { Length: > 0 } reference ? reference : $"none-{Guid.NewGuid():N}", "", productId.Value.ToString(CultureInfo.InvariantCulture),
            "", unitPrice.Value.ToString(CultureInfo.InvariantCulture), "USD", outcome.Status, outcome.Reason, DateTimeOffset.UtcNow, outcome.SettlesAt)
        {
            TransactionId = Interlocked.Increment(ref transactionSequence),
            Code = string.Join('\n', Enumerable.Range(0, (int)quantity).Select(_ => CodesToSell.TryDequeue(out var given)
                ? given
                : $"GC-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}/{RandomNumberGenerator.GetInt32(1000, 9999)}")),
        });

        return AfterSubmit(context, faults) ?? Results.Json(GiftCardTransaction(card));
    }

    private async Task<IResult> RedeemCodeAsync(HttpContext context, long transactionId)
    {
        Interlocked.Increment(ref Queries);
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        if (await BeforeQueryAsync(context, Faults) is { } failed)
        {
            return failed;
        }

        return Ledger.All().FirstOrDefault(c => c.TransactionId == transactionId && c.Code is not null) is { Status: CreditStatus.Succeeded } card
            ? Results.Json(Codes(card).Select(code => new { cardNumber = code[..code.IndexOf('/')], pinCode = code[(code.IndexOf('/') + 1)..] }))
            : Error(context, 404, null, "Invalid transaction id");
    }

    private async Task<IResult> GiftCardTransactions(HttpContext context, string? customIdentifier)
    {
        Interlocked.Increment(ref Queries);
        if (Unauthorized(context) is { } refused)
        {
            return refused;
        }

        if (await BeforeQueryAsync(context, Faults) is { } failed)
        {
            return failed;
        }

        var found = Ledger.All().Where(c => c.Code is not null && (customIdentifier is null || c.ClientReference == customIdentifier)).Select(GiftCardTransaction).ToList();
        return Results.Json(new { content = found, totalElements = found.Count, totalPages = 1, number = 0, size = 200 });
    }

    private static object GiftCardTransaction(Credit card) => new
    {
        transactionId = card.TransactionId,
        amount = decimal.Parse(card.Amount, CultureInfo.InvariantCulture),
        discount = 0,
        currencyCode = card.Currency,
        fee = 0,
        customIdentifier = card.ClientReference,
        status = card.Status switch
        {
            CreditStatus.Succeeded => "SUCCESSFUL",
            CreditStatus.Failed => "REFUNDED",
            _ => "PROCESSING",
        },
        product = new
        {
            productId = long.Parse(card.ProductCode, CultureInfo.InvariantCulture),
            productName = "Simulated gift card",
            quantity = Codes(card).Length,
            unitPrice = decimal.Parse(card.Amount, CultureInfo.InvariantCulture),
            totalPrice = decimal.Parse(card.Amount, CultureInfo.InvariantCulture) * Codes(card).Length,
            currencyCode = card.Currency,
        },
        transactionCreatedTime = card.AcceptedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
    };

    /// <summary>The codes of a gift-card order, each <c>cardNumber/pinCode</c>.</summary>
    public static string[] Codes(Credit card) => card.Code?.Split('\n') ?? [];

    private static object Transaction(Credit credit, string? countryCode) => new
    {
        transactionId = credit.TransactionId,
        status = credit.Status switch
        {
            CreditStatus.Succeeded => "SUCCESSFUL",
            CreditStatus.Failed => "REFUNDED",
            _ => "PROCESSING",
        },
        operatorTransactionId = credit.Status == CreditStatus.Succeeded ? $"OP-{credit.TransactionId}" : null,
        customIdentifier = credit.ClientReference,
        recipientPhone = credit.Account,
        recipientEmail = (string?)null,
        senderPhone = (string?)null,
        countryCode,
        operatorId = long.Parse(credit.ProductCode, CultureInfo.InvariantCulture),
        operatorName = "Simulated operator",
        discount = 0,
        discountCurrencyCode = "USD",
        requestedAmount = decimal.Parse(credit.Amount, CultureInfo.InvariantCulture),
        requestedAmountCurrencyCode = credit.Currency,
        deliveredAmount = decimal.Parse(credit.Amount, CultureInfo.InvariantCulture),
        deliveredAmountCurrencyCode = credit.Currency,
        transactionDate = credit.AcceptedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        pinDetail = (object?)null,
        balanceInfo = (object?)null,
    };

    private IResult? Unauthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        if (token is not null && tokens.TryGetValue(token, out var expires))
        {
            if (expires > DateTimeOffset.UtcNow)
            {
                return null;
            }

            Interlocked.Increment(ref TokensRefused);
            return Error(context, 401, "TOKEN_EXPIRED", "Token expired");
        }

        Interlocked.Increment(ref TokensRefused);
        return Error(context, 401, "INVALID_TOKEN", "Full authentication is required to access this resource");
    }

    /// <summary>A number Reloadly accepts as a JSON number or a string of one.</summary>
    private static decimal? Number(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } v => v.GetDecimal(),
        { ValueKind: JsonValueKind.String } v when decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    protected override IResult FaultAnswer(HttpContext context, int status) => status switch
    {
        429 => Error(context, 429, null, "Too many requests"),
        500 => Error(context, 500, null, "Something went wrong"),
        _ => Error(context, status, null, "Could not retrieve/update resources at the moment, please try again later"),
    };

    private static IResult Error(HttpContext context, int status, string? errorCode, string message) => Results.Json(
        new
        {
            timeStamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            message,
            path = context.Request.Path.Value,
            errorCode,
            infoLink = (string?)null,
            details = Array.Empty<object>(),
        },
        statusCode: status);

#pragma warning disable IDE1006, SA1300 // Reloadly's own field names
    private sealed record TokenRequest(string? client_id, string? client_secret, string? grant_type, string? audience);

    private sealed record Phone(string? countryCode, string? number);

    private sealed record GiftCardOrder(JsonElement? productId, string? countryCode, JsonElement? quantity, JsonElement? unitPrice, string? customIdentifier, string? senderName);

    private sealed record TopUpRequest(JsonElement? operatorId, JsonElement? amount, bool? useLocalAmount, string? customIdentifier, Phone? recipientPhone);
#pragma warning restore IDE1006, SA1300
}
