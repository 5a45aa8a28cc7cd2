using System.Net;
using System.Text;
using Fulfilment.Suppliers;
using Fulfilment.Suppliers.DtOne;
using Fulfilment.Suppliers.Reloadly;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulfilment.Tests;

/// <summary>
/// What the Reloadly (top-ups and gift cards) and DT One adapters make of answers a broken or hostile supplier could give: nothing that is not
/// certain may read as a confirmed failure (that would allow a failover, hence a second credit), and nothing about
/// another reference may read as ours.
/// </summary>
public sealed class SupplierAnswerTests
{
    private const string Reference = "p-1:order-1:1";
    private static readonly CreditRequest Request = new("p-1", "order-1", Reference, "NG:341", "+2348031234567", 30m, "USD");
    private static readonly CreditRequest DtOneRequest = Request with { ProductCode = "12345" };

    [Fact]
    public async Task A_reloadly_answer_about_another_reference_is_unknown_never_success()
    {
        var supplier = new Peer().Answer("POST topups", 200, Transaction("someone-else", "SUCCESSFUL")).Reloadly();
        Assert.Equal(SupplierVerdict.Unknown, (await supplier.SubmitAsync(Request, default)).Verdict);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"transactionId\": {\"x\": 1}, \"status\": \"SUCCESSFUL\"}")]
    [InlineData("[]")]
    public async Task A_reloadly_answer_that_cannot_be_read_is_unknown(string body)
    {
        var supplier = new Peer().Answer("POST topups", 200, body).Reloadly();
        Assert.Equal(SupplierVerdict.Unknown, (await supplier.SubmitAsync(Request, default)).Verdict);
    }

    [Fact]
    public async Task A_reloadly_report_counts_only_transactions_under_our_reference()
    {
        var others = $"{{\"content\": [{Transaction("someone-else", "SUCCESSFUL")}, null]}}";
        Assert.Equal(SupplierVerdict.NotFound, (await new Peer().Answer("GET topups/reports", 200, others).Reloadly().QueryAsync(Reference, default)).Verdict);

        var twice = $"{{\"content\": [{Transaction(Reference, "SUCCESSFUL")}, {Transaction(Reference, "REFUNDED")}]}}";
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await new Peer().Answer("GET topups/reports", 200, twice).Reloadly().QueryAsync(Reference, default)).Verdict);

        Assert.Equal(SupplierVerdict.Unknown, (await new Peer().Answer("GET topups/reports", 404, "{}").Reloadly().QueryAsync(Reference, default)).Verdict);
    }

    [Fact]
    public async Task An_unrecognised_reloadly_refusal_is_checked_by_query_and_never_a_confirmed_failure()
    {
        var refusal = "{\"message\": \"something new\", \"errorCode\": \"SOMETHING_NEW\"}";
        var none = new Peer().Answer("POST topups", 400, refusal).Answer("GET topups/reports", 200, "{\"content\": []}").Reloadly();
        Assert.Equal(SupplierVerdict.Unknown, (await none.SubmitAsync(Request, default)).Verdict);

        var made = new Peer().Answer("POST topups", 400, refusal).Answer("GET topups/reports", 200, $"{{\"content\": [{Transaction(Reference, "SUCCESSFUL")}]}}").Reloadly();
        Assert.Equal(SupplierVerdict.Succeeded, (await made.SubmitAsync(Request, default)).Verdict);

        var otherNumber = new Peer().Answer("POST topups", 400, refusal)
            .Answer("GET topups/reports", 200, $"{{\"content\": [{Transaction(Reference, "SUCCESSFUL", "447700900000")}]}}").Reloadly();
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await otherNumber.SubmitAsync(Request, default)).Verdict);

        var invalid = new Peer().Answer("POST topups", 400, "{\"errorCode\": \"INVALID_RECIPIENT_PHONE\", \"message\": \"no\"}").Reloadly();
        Assert.Equal(SupplierVerdict.Rejected, (await invalid.SubmitAsync(Request, default)).Verdict);
    }

    [Theory]
    [InlineData("{\"access_token\": \"t\"}")]
    [InlineData("{\"access_token\": \"t\", \"expires_in\": 0}")]
    [InlineData("{\"expires_in\": 3600}")]
    [InlineData("<html>")]
    public async Task A_broken_token_answer_sends_nothing(string tokenAnswer)
    {
        var peer = new Peer(tokenAnswer).Answer("POST topups", 200, Transaction(Reference, "SUCCESSFUL"));
        var outcome = await peer.Reloadly().SubmitAsync(Request, default);

        Assert.Equal(SupplierVerdict.NotAccepted, outcome.Verdict);
        Assert.DoesNotContain(peer.Asked, a => a.StartsWith("POST topups", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reloadly_token_is_kept_until_shortly_before_it_expires_and_a_refused_one_is_replaced_once_for_all_callers()
    {
        var peer = new Peer();
        var clock = new TestClock();
        var tokens = new ReloadlyTokens(peer, clock, NullLogger<ReloadlyTokens>.Instance);
        var options = new SupplierOptions { BaseUrl = new Uri("https://topups.test/"), AuthUrl = new Uri("https://auth.test/"), ClientId = "id", ClientSecret = "secret" };

        Assert.Equal("t1", await tokens.GetAsync("reloadly", options, null, default));
        clock.Now += TimeSpan.FromSeconds(3299); // valid 3600 s, renewed 300 s before the end
        Assert.Equal("t1", await tokens.GetAsync("reloadly", options, null, default));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal("t2", await tokens.GetAsync("reloadly", options, null, default));
        Assert.Equal("t2", await tokens.GetAsync("reloadly", options, refused: "t1", default)); // someone else's stale refusal

        // Twenty callers meet a refusal of the current token at once: one new token for all of them.
        var renewed = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => tokens.GetAsync("reloadly", options, refused: "t2", default))));
        Assert.All(renewed, token => Assert.Equal("t3", token));
        Assert.Equal(3, peer.TokensIssued);
    }

    [Fact]
    public async Task A_dt_one_404_without_its_not_found_code_is_unknown_so_a_wrong_url_never_reads_as_never_received()
    {
        Assert.Equal(SupplierVerdict.Unknown, (await new Peer().Answer("GET transactions", 404, "<html>Not Found</html>").DtOne().QueryAsync(Reference, default)).Verdict);
        Assert.Equal(SupplierVerdict.NotFound, (await new Peer().Answer("GET transactions", 404, DtOneError(1008004)).DtOne().QueryAsync(Reference, default)).Verdict);
        Assert.Equal(SupplierVerdict.NotFound, (await new Peer().Answer("GET transactions", 200, "[]").DtOne().QueryAsync(Reference, default)).Verdict);
    }

    [Theory]
    [InlineData("COMPLETED", "COMPLETED", "Succeeded")]
    [InlineData("CONFIRMED", "CONFIRMED", "Pending")]
    [InlineData("SUBMITTED", "SUBMITTED", "Pending")]
    [InlineData("DECLINED-OPERATOR-CURRENTLY-UNAVAILABLE", "DECLINED", "Failed")]
    [InlineData("REJECTED-INSUFFICIENT-BALANCE", "REJECTED", "Failed")]
    [InlineData("DECLINED-INVALID-CREDIT-PARTY", "DECLINED", "Rejected")]
    [InlineData("REJECTED-BARRED-CREDIT-PARTY", "REJECTED", "Rejected")]
    [InlineData("REVERSED", "REVERSED", "Failed")]
    [InlineData("SOMETHING-NEW", "SOMETHING-NEW", "Unknown")]
    public async Task Dt_one_statuses_are_read_by_their_class(string status, string statusClass, string expected)
    {
        var peer = new Peer().Answer("GET transactions", 200, $"[{DtOneTransaction(Reference, status, statusClass)}]");
        Assert.Equal(expected, (await peer.DtOne().QueryAsync(Reference, default)).Verdict.ToString());
    }

    [Fact]
    public async Task A_dt_one_external_id_already_used_is_settled_by_what_dt_one_holds_under_it()
    {
        var peer = new Peer().Answer("POST async/transactions", 400, DtOneError(1007001))
            .Answer("GET transactions", 200, $"[{DtOneTransaction("someone-else", "COMPLETED", "COMPLETED")}, {DtOneTransaction(Reference, "CONFIRMED", "CONFIRMED")}]");
        Assert.Equal(SupplierVerdict.Pending, (await peer.DtOne().SubmitAsync(DtOneRequest, default)).Verdict);

        var otherNumber = new Peer().Answer("POST async/transactions", 400, DtOneError(1007001))
            .Answer("GET transactions", 200, $"[{DtOneTransaction(Reference, "COMPLETED", "COMPLETED", "+447700900000")}]");
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await otherNumber.DtOne().SubmitAsync(DtOneRequest, default)).Verdict);

        var unrecognised = new Peer().Answer("POST async/transactions", 400, DtOneError(1999999)).Answer("GET transactions", 404, DtOneError(1008004));
        Assert.Equal(SupplierVerdict.Unknown, (await unrecognised.DtOne().SubmitAsync(DtOneRequest, default)).Verdict);

        var noBalance = new Peer().Answer("POST async/transactions", 400, DtOneError(1006001));
        Assert.Equal(SupplierVerdict.Failed, (await noBalance.DtOne().SubmitAsync(DtOneRequest, default)).Verdict);
    }

    [Fact]
    public async Task A_created_dt_one_transaction_past_its_confirmation_window_is_a_confirmed_failure()
    {
        var peer = new Peer().Answer("GET transactions", 200, $"[{DtOneTransaction(Reference, "CREATED", "CREATED")}]")
            .Answer("POST async/transactions/7/confirm", 400, DtOneError(1007004));
        Assert.Equal(SupplierVerdict.Failed, (await peer.DtOne().QueryAsync(Reference, default)).Verdict);

        var confirmed = new Peer().Answer("GET transactions", 200, $"[{DtOneTransaction(Reference, "CREATED", "CREATED")}]")
            .Answer("POST async/transactions/7/confirm", 400, DtOneError(1007002));
        Assert.Equal(SupplierVerdict.Pending, (await confirmed.DtOne().QueryAsync(Reference, default)).Verdict);
    }

    [Fact]
    public void A_reference_longer_than_dt_one_allows_becomes_the_same_digest_every_time()
    {
        var longReference = new string('p', 64) + ":" + new string('o', 64) + ":1";
        var externalId = DtOneSupplier.ExternalId(longReference);

        Assert.Equal(DtOneSupplier.ExternalIdMaxLength, externalId.Length);
        Assert.Equal(externalId, DtOneSupplier.ExternalId(longReference));
        Assert.NotEqual(externalId, DtOneSupplier.ExternalId(longReference[..^1] + "2"));
        Assert.Equal(Reference, DtOneSupplier.ExternalId(Reference));
    }

    [Theory]
    [InlineData("GB:535", true)]
    [InlineData("NG:auto", true)]
    [InlineData("NG:auto:local", true)]
    [InlineData("ng:535", false)]
    [InlineData("GB:-1", false)]
    [InlineData("GB", false)]
    [InlineData("GB:535:foreign", false)]
    public void Reloadly_product_codes_are_read_strictly(string code, bool valid) => Assert.Equal(valid, ReloadlyProduct.Parse(code) is not null);

    private static readonly CodeOrder GiftCards = new(Reference, "120:25", 2);

    [Fact]
    public async Task A_successful_gift_card_order_is_bought_only_with_exactly_its_codes_in_hand()
    {
        var cards = "[{\"cardNumber\": 6120200345149064, \"pinCode\": 5821}, {\"cardNumber\": \" AB-12 \", \"pinCode\": null}]";
        var bought = await new Peer().Answer("POST orders", 200, GiftCardTransaction(Reference, "SUCCESSFUL")).Answer("GET orders/transactions/77/cards", 200, cards)
            .GiftCards().BuyAsync(GiftCards, default);
        Assert.Equal(SupplierVerdict.Succeeded, bought.Outcome.Verdict);
        Assert.Equal(["6120200345149064 PIN 5821", "AB-12"], bought.Codes.Select(c => c.Reveal()));
        Assert.DoesNotContain("6120200345149064", $"{bought} {bought.Codes[0]}", StringComparison.Ordinal); // a code never prints itself

        foreach (var broken in new[] { "[{\"cardNumber\": \"A\"}]", "[{\"cardNumber\": \"A\"}, {\"cardNumber\": \"B\"}, {\"cardNumber\": \"C\"}]", "[{\"cardNumber\": \"A\"}, {\"cardNumber\": \" \"}]", "[{\"cardNumber\": \"A\"}, null]", "{}", "<html>" })
        {
            var unread = await new Peer().Answer("POST orders", 200, GiftCardTransaction(Reference, "SUCCESSFUL")).Answer("GET orders/transactions/77/cards", 200, broken)
                .GiftCards().BuyAsync(GiftCards, default);
            Assert.Equal((SupplierVerdict.Unknown, 0), (unread.Outcome.Verdict, unread.Codes.Count));
        }

        var missing = await new Peer().Answer("POST orders", 200, GiftCardTransaction(Reference, "SUCCESSFUL")).Answer("GET orders/transactions/77/cards", 404, "{}")
            .GiftCards().BuyAsync(GiftCards, default);
        Assert.Equal(SupplierVerdict.Unknown, missing.Outcome.Verdict);
    }

    [Theory]
    [InlineData("PROCESSING", "Pending")]
    [InlineData("PENDING", "Pending")]
    [InlineData("FAILED", "Failed")]
    [InlineData("REFUNDED", "Failed")]
    [InlineData("SOMETHING_NEW", "Unknown")]
    public async Task A_gift_card_order_status_is_read_for_the_money(string status, string expected)
    {
        var verdict = Enum.Parse<SupplierVerdict>(expected);
        var peer = new Peer().Answer("GET reports/transactions", 200, $"[{GiftCardTransaction(Reference, status)}]");
        var purchase = await peer.GiftCards().QueryAsync(GiftCards, default);
        Assert.Equal((verdict, 0), (purchase.Outcome.Verdict, purchase.Codes.Count));
        Assert.DoesNotContain(peer.Asked, a => a.Contains("/cards", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gift_card_answer_about_another_reference_product_or_quantity_is_never_ours()
    {
        var other = await new Peer().Answer("POST orders", 200, GiftCardTransaction("someone-else", "SUCCESSFUL")).GiftCards().BuyAsync(GiftCards, default);
        Assert.Equal(SupplierVerdict.Unknown, other.Outcome.Verdict);

        var otherProduct = $"{{\"content\": [{GiftCardTransaction(Reference, "SUCCESSFUL", productId: 999)}]}}";
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await new Peer().Answer("GET reports/transactions", 200, otherProduct).GiftCards().QueryAsync(GiftCards, default)).Outcome.Verdict);
        var otherQuantity = $"[{GiftCardTransaction(Reference, "SUCCESSFUL", quantity: 5)}]";
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await new Peer().Answer("GET reports/transactions", 200, otherQuantity).GiftCards().QueryAsync(GiftCards, default)).Outcome.Verdict);
        var twice = $"[{GiftCardTransaction(Reference, "SUCCESSFUL")}, {GiftCardTransaction(Reference, "REFUNDED")}]";
        Assert.Equal(SupplierVerdict.ReferenceConflict, (await new Peer().Answer("GET reports/transactions", 200, twice).GiftCards().QueryAsync(GiftCards, default)).Outcome.Verdict);
        var none = $"{{\"content\": [{GiftCardTransaction("someone-else", "SUCCESSFUL")}, null]}}";
        Assert.Equal(SupplierVerdict.NotFound, (await new Peer().Answer("GET reports/transactions", 200, none).GiftCards().QueryAsync(GiftCards, default)).Outcome.Verdict);
    }

    [Fact]
    public async Task A_refused_gift_card_order_is_checked_by_query_and_never_a_confirmed_failure()
    {
        var refusal = "{\"message\": \"Invalid price, please ensure you selected the right price.\", \"errorCode\": null}";
        var none = new Peer().Answer("POST orders", 400, refusal).Answer("GET reports/transactions", 200, "[]").GiftCards();
        Assert.Equal(SupplierVerdict.Unknown, (await none.BuyAsync(GiftCards, default)).Outcome.Verdict);

        var made = await new Peer().Answer("POST orders", 400, refusal).Answer("GET reports/transactions", 200, $"[{GiftCardTransaction(Reference, "SUCCESSFUL")}]")
            .Answer("GET orders/transactions/77/cards", 200, "[{\"cardNumber\": \"A\"}, {\"cardNumber\": \"B\"}]").GiftCards().BuyAsync(GiftCards, default);
        Assert.Equal((SupplierVerdict.Succeeded, 2), (made.Outcome.Verdict, made.Codes.Count));

        Assert.Equal(SupplierVerdict.NotAccepted, (await new Peer().Answer("POST orders", 429, "{}").GiftCards().BuyAsync(GiftCards, default)).Outcome.Verdict);
        Assert.Equal(SupplierVerdict.Unknown, (await new Peer().Answer("POST orders", 502, "{}").GiftCards().BuyAsync(GiftCards, default)).Outcome.Verdict);
    }

    [Theory]
    [InlineData("120:25", true)]
    [InlineData("4:5.50", true)]
    [InlineData("120", false)]
    [InlineData("120:0", false)]
    [InlineData("120:-5", false)]
    [InlineData("0:25", false)]
    [InlineData("x:25", false)]
    [InlineData("120:25:1", false)]
    [InlineData("120:1e3", false)]
    public void Reloadly_gift_card_product_codes_are_read_strictly(string code, bool valid) => Assert.Equal(valid, ReloadlyGiftCardProduct.Parse(code) is not null);

    private static string GiftCardTransaction(string reference, string status, long productId = 120, int quantity = 2) =>
        $"{{\"transactionId\": 77, \"amount\": 51.2, \"currencyCode\": \"USD\", \"customIdentifier\": \"{reference}\", \"status\": \"{status}\", " +
        $"\"product\": {{\"productId\": {productId}, \"quantity\": {quantity}, \"unitPrice\": 25, \"totalPrice\": 50}}}}";

    private static string Transaction(string reference, string status, string phone = "2348031234567") =>
        $"{{\"transactionId\": 42, \"status\": \"{status}\", \"customIdentifier\": \"{reference}\", \"recipientPhone\": \"{phone}\", \"operatorId\": 341}}";

    private static string DtOneTransaction(string externalId, string status, string statusClass, string number = "+2348031234567") =>
        $"{{\"id\": 7, \"external_id\": \"{externalId}\", \"credit_party_identifier\": {{\"mobile_number\": \"{number}\"}}, " +
        $"\"status\": {{\"id\": 1, \"message\": \"{status}\", \"class\": {{\"id\": 1, \"message\": \"{statusClass}\"}}}}}}";

    private static string DtOneError(int code) => $"{{\"errors\": [{{\"code\": {code}, \"message\": \"m\"}}]}}";

    private sealed class TestClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A supplier that answers what each test tells it to, by method and path prefix, and remembers what it was asked.</summary>
    private sealed class Peer(string? tokenAnswer = null) : HttpMessageHandler, IHttpClientFactory
    {
        private readonly List<(string Prefix, int Status, string Body)> answers = [];
        private int tokensIssued;

        /// <summary>Tokens asked for so far (each answered, by default, with a new one valid for an hour).</summary>
        public int TokensIssued => tokensIssued;

        public List<string> Asked { get; } = [];

        public Peer Answer(string prefix, int status, string body)
        {
            answers.Add((prefix, status, body));
            return this;
        }

        public ISupplierClient Reloadly() =>
            new ReloadlyProtocol(new ReloadlyTokens(this, TimeProvider.System, NullLogger<ReloadlyTokens>.Instance), TimeProvider.System)
                .Create("reloadly", CreateClient(""), new SupplierOptions { BaseUrl = new Uri("https://topups.test/"), AuthUrl = new Uri("https://auth.test/"), ClientId = "id", ClientSecret = "secret" });

        public ICodeSupplier GiftCards() =>
            new ReloadlyGiftCardProtocol(new ReloadlyTokens(this, TimeProvider.System, NullLogger<ReloadlyTokens>.Instance), TimeProvider.System)
                .Create("giftcards", CreateClient(""), new SupplierOptions { BaseUrl = new Uri("https://giftcards.test/"), AuthUrl = new Uri("https://auth.test/"), ClientId = "id", ClientSecret = "secret" });

        public ISupplierClient DtOne() =>
            new DtOneProtocol(TimeProvider.System).Create("dtone", CreateClient(""), new SupplierOptions { BaseUrl = new Uri("https://dvs.test/v1/"), ApiKey = "k", ApiSecret = "s" });

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { BaseAddress = new Uri(name.StartsWith("supplier-auth", StringComparison.Ordinal) ? "https://auth.test/" : "https://api.test/") };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var asked = $"{request.Method} {request.RequestUri!.PathAndQuery.TrimStart('/')}";
            lock (Asked)
            {
                Asked.Add(asked);
            }

            var (status, body) = asked.StartsWith("POST oauth/token", StringComparison.Ordinal)
                ? (200, tokenAnswer ?? $"{{\"access_token\": \"t{Interlocked.Increment(ref tokensIssued)}\", \"expires_in\": 3600}}")
                : answers.FirstOrDefault(a => asked.StartsWith(a.Prefix, StringComparison.Ordinal)) is { Prefix: not null } found ? (found.Status, found.Body)
                : (500, "{}");
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
