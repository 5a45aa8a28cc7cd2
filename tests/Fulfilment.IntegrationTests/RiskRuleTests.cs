using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Local;
using Fulfilment.Storage;
using Fulfilment.SupplierSimulator;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>The shops' risk rules through the app: defined and refused by the ops API, acting when orders open and when payments arrive, exact across instances, reviewed by ops.</summary>
[Collection(StorageCollection.Name)]
public sealed class RiskRuleTests(StorageFixture storage, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RiskRulesDocument NoRules = new();

    private static async Task SaveAsync(Scenario scenario, string partnerId, RiskRulesDocument rules, string? sku = null)
    {
        var response = await scenario.Ops.SaveRiskRulesAsync(partnerId, rules, sku);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static PaymentData Payment(string orderId, string sku, string buyer, int quantity = 1, decimal unitPrice = 10m, string? ip = null, int? riskScore = null) =>
        new(orderId, sku, quantity, unitPrice * quantity, "CNY", buyer, BuyerIp: ip, RiskScore: riskScore);

    [Fact]
    public async Task Bad_rule_definitions_are_refused_with_every_problem_and_nothing_is_saved()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(MaxQuantity: 3));

        var bad = new RiskRulesDocument(
            MaxQuantity: 0, BuyerLimit: new BuyerLimitRule(0, 0), BuyerLifetimeLimit: 1000, AccountLimit: new AccountLimitRule(2, 60), Pacing: new PacingRule(-1),
            Blocklist: new BlocklistRule(Emails: ["not-an-email"], Phones: ["12"], IpRanges: ["10.0.0.1/8", "300.1.1.1", "1"]),
            Review: new ReviewRule("USD", AmountAbove: 10.001m, RiskScoreAbove: 100));
        var response = await scenario.Ops.SaveRiskRulesAsync(partner.PartnerId, bad, sku);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_risk_rules", body);
        foreach (var problem in new[] { "maxQuantity", "buyerLimit must allow", "buyerLimit.windowSeconds", "buyerLifetimeLimit", "pacing.unitsPerMinute", "emails[0]", "phones[0]",
            "ipRanges[0]", "ipRanges[1]", "ipRanges[2]", "review.currency must be the SKU's currency", "review.riskScoreAbove", "accountLimit is for top-ups" })
        {
            Assert.Contains(problem, body);
        }

        // Unknown and repeated fields are refused, not ignored.
        foreach (var json in new[] { """{"buyerLimt": {"units": 2, "windowSeconds": 60}}""", """{"maxQuantity": 2, "maxQuantity": 3}""", """{"maxQuantity": "2"}""" })
        {
            using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
            var refused = await ops.PutAsync($"api/ops/partners/{partner.PartnerId}/risk-rules", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var saved = await scenario.Ops.GetRiskRulesAsync(partner.PartnerId);
        Assert.Equal(3, saved.Defaults!.MaxQuantity);
        Assert.Empty(saved.Skus);
    }

    [Fact]
    public async Task A_buyer_limit_lets_the_Nth_unit_through_refuses_the_next_when_paid_and_when_opened_and_tells_the_partner()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(5));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(BuyerLimit: new BuyerLimitRule(2, 86400)), sku);

        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("bl-1", sku, "buyer-a"))).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("bl-2", sku, "buyer-a"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "bl-2", "delivered");

        // The 3rd unit: the money is taken, so the order is kept, refused by risk, and the partner told to refund.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("bl-3", sku, "buyer-a"))).EnsureSuccessStatusCode();
        var refused = await scenario.WaitForStateAsync(partner, "bl-3", "refused-by-risk");
        Assert.Equal("buyer_limit", refused.ReasonCode);
        Assert.Contains("3 units for the buyer in 24 h; limit 2", refused.Reason);
        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Any(r => r.Body.Contains("\"bl-3\"") && r.Body.Contains("order.refused-by-risk"))), "the partner told");
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        var log = await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/redemptions?orderId=bl-3");
        Assert.Contains("\"order-refused-by-risk\"", log);
        Assert.Contains("\"buyer_limit\"", log);
        Assert.Contains("refused by risk rule buyer_limit: 3 units for the buyer in 24 h; limit 2", (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "bl-3")).Order.StateReason);

        // Opening a 4th: refused before payment with the rule's code and when to try again; nothing written.
        var (status, _, body) = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("bl-4", sku, 1, "buyer-a"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("buyer_limit", body);
        Assert.Null(await scenario.GetOrderAsync(partner, "bl-4"));

        // Another buyer is not affected; 3 keys were sold and none is held for the refused order.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("bl-5", sku, "buyer-b"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "bl-5", "delivered");
        await scenario.WaitForStockAsync(sku, (2, 0, 3));
    }

    [Theory]
    [InlineData("buyer")]
    [InlineData("pacing")]
    public async Task Twenty_simultaneous_orders_against_a_limit_of_two_on_two_instances_let_exactly_two_through(string rule)
    {
        // Paced per calendar minute: the instances' clock starts the test 5 s into a minute, so the 20 cannot straddle two.
        var now = DateTimeOffset.UtcNow;
        var clock = new ShiftedClock(TimeSpan.FromSeconds(65 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond));
        await using var scenario = await Scenario.StartAsync(storage, instances: 2, replaceServices: s => s.AddSingleton<TimeProvider>(clock));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(25));
        await SaveAsync(scenario, partner.PartnerId, rule == "buyer" ? new RiskRulesDocument(BuyerLimit: new BuyerLimitRule(2, 86400)) : new RiskRulesDocument(Pacing: new PacingRule(2)), sku);

        var senders = scenario.Apps.Select(app => new PaymentWebhookSender(app.CreateClient())).ToList();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            senders[i % 2].SendAsync(partner.PartnerId, partner.WebhookSecret, Payment($"c-{i}", sku, rule == "buyer" ? "buyer-a" : $"buyer-{i}"))));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode));

        var states = new List<string>();
        foreach (var i in Enumerable.Range(0, 20))
        {
            states.Add((await scenario.WaitForStateAsync(partner, $"c-{i}", s => s is "delivered" or "refused-by-risk")).State);
        }

        output.WriteLine(string.Join(", ", states));
        Assert.Equal(2, states.Count(s => s == "delivered"));
        Assert.Equal(18, states.Count(s => s == "refused-by-risk"));
        await scenario.WaitForStockAsync(sku, (23, 0, 2));
    }

    [Fact]
    public async Task A_payment_notified_many_times_at_once_and_again_later_counts_once()
    {
        await using var scenario = await Scenario.StartAsync(storage, instances: 2);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(BuyerLimit: new BuyerLimitRule(1, 86400), Pacing: new PacingRule(1)), sku);

        var payment = Payment("dup-1", sku, "buyer-a");
        var senders = scenario.Apps.Select(app => new PaymentWebhookSender(app.CreateClient())).ToList();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => senders[i % 2].SendAsync(partner.PartnerId, partner.WebhookSecret, payment, webhookId: "msg_dup-1")));
        await scenario.WaitForStateAsync(partner, "dup-1", "delivered");
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, payment, webhookId: "msg_dup-1")).EnsureSuccessStatusCode();
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "dup-1"))!.State);
        await scenario.WaitForStockAsync(sku, (2, 0, 1));
    }

    [Fact]
    public async Task Blocklists_match_hashed_emails_and_phones_and_IP_ranges_and_keep_no_plain_value()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(Blocklist: new BlocklistRule(
            Emails: ["Scalper@Example.com"], Phones: ["+86 138-0013-8000"], IpRanges: ["203.0.113.0/24", "2001:db8::/32"])));

        var saved = JsonSerializer.Serialize(await scenario.Ops.GetRiskRulesAsync(partner.PartnerId));
        Assert.DoesNotContain("xample", saved, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("13800138000", saved);
        var stored = string.Join("|", storage.Tables.GetTableClient(TableNames.RiskRules).Query<TableEntity>($"PartitionKey eq '{partner.PartnerId}'").SelectMany(e => ((IDictionary<string, object>)e).Values).Select(v => v?.ToString()));
        Assert.DoesNotContain("xample", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("13800138000", stored);

        foreach (var (json, blocked) in new[]
        {
            ("\"buyerEmail\": \"  scalper@example.COM\"", true), ("\"buyerPhone\": \"+8613800138000\"", true), ("\"buyerIp\": \"203.0.113.77\"", true),
            ("\"buyerIp\": \"2001:db8:1::5\"", true), ("\"buyerIp\": \"203.0.114.1\"", false), ("\"buyerEmail\": \"someone@example.com\"", false),
        })
        {
            var orderId = "bk-" + Guid.NewGuid().ToString("N")[..8];
            var (status, _, body) = await scenario.OpenOrderAsync(partner, $$"""{"orderId": "{{orderId}}", "sku": "{{sku}}", "quantity": 1, "buyerReference": "b", {{json}}}""");
            Assert.True(blocked ? status == HttpStatusCode.UnprocessableEntity && body.Contains("\"blocked\"") : status == HttpStatusCode.Created, $"{json}: {status} {body}");
        }

        // A payment from a blocked range: kept, refused by risk, the partner told which rule (not the list's entries).
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("bk-paid", sku, "b", ip: "203.0.113.9"))).EnsureSuccessStatusCode();
        var refused = await scenario.WaitForStateAsync(partner, "bk-paid", "refused-by-risk");
        Assert.Equal("blocked", refused.ReasonCode);
        var order = storage.Tables.GetTableClient(TableNames.Orders).Query<TableEntity>(e => e.RowKey == "order").Where(e => e.GetString("PartnerId") == partner.PartnerId);
        Assert.DoesNotContain(order.SelectMany(e => ((IDictionary<string, object>)e).Values), v => v?.ToString()?.Contains("xample", StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public async Task Orders_held_for_review_are_listed_approved_and_refused_each_with_its_notification_and_a_refusal_gives_its_count_back()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync(receiver.Url);
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(5));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(
            BuyerLifetimeLimit: 2, Review: new ReviewRule("CNY", AmountAbove: 15m, RiskScoreAbove: 80)), sku);

        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-amount", sku, "buyer-a", quantity: 2))).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-score", sku, "buyer-b", riskScore: 81))).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-none", sku, "buyer-c", riskScore: 80))).EnsureSuccessStatusCode(); // at the threshold: not above it
        Assert.Equal("held_for_review", (await scenario.WaitForStateAsync(partner, "rv-amount", "held-for-review")).ReasonCode);
        await scenario.WaitForStateAsync(partner, "rv-score", "held-for-review");
        await scenario.WaitForStateAsync(partner, "rv-none", "delivered");
        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Count(r => r.Body.Contains("order.held-for-review")) == 2), "the partner told of both holds");

        var held = await scenario.Ops.ListReviewsAsync(partner.PartnerId);
        Assert.Equal(["rv-amount", "rv-score"], held.Orders.Select(o => o.OrderId).Order());
        Assert.Equal(["rv-score"], (await scenario.Ops.ListReviewsAsync(partner.PartnerId, rule: "review_risk_score")).Orders.Select(o => o.OrderId));
        Assert.Contains("amount 20 CNY above 15", held.Orders.Single(o => o.OrderId == "rv-amount").Detail);

        // Approve: delivered, who and why in its trace. Refuse: refused, the partner told; both leave the list.
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.Ops.DecideReviewAsync(partner.PartnerId, "rv-amount", approve: true, "", "")).StatusCode);
        (await scenario.Ops.DecideReviewAsync(partner.PartnerId, "rv-amount", approve: true, "alice", "known customer")).EnsureSuccessStatusCode();
        (await scenario.Ops.DecideReviewAsync(partner.PartnerId, "rv-score", approve: false, "bob", "card testing pattern")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.Ops.DecideReviewAsync(partner.PartnerId, "rv-score", approve: true, "carol", "changed my mind")).StatusCode);
        await scenario.WaitForStateAsync(partner, "rv-amount", "delivered");
        Assert.Equal("refused_after_review", (await scenario.WaitForStateAsync(partner, "rv-score", "refused")).ReasonCode);
        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Any(r => r.Body.Contains("\"rv-score\"") && r.Body.Contains("order.refused"))), "the partner told of the refusal");
        Assert.Empty((await scenario.Ops.ListReviewsAsync(partner.PartnerId)).Orders);
        var trace = await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "rv-amount");
        Assert.Contains(trace.Trace, e => e.State == "paid" && e.Reason == "approved by alice: known customer");
        Assert.Contains((await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, "rv-score")).Trace, e => e.State == "refused" && e.Reason == "refused by bob: card testing pattern");

        // buyer-b's lifetime limit of 2: the refused unit was given back, so two more go through and a third does not.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-b2", sku, "buyer-b", quantity: 1))).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-b3", sku, "buyer-b", quantity: 1))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "rv-b2", "delivered");
        await scenario.WaitForStateAsync(partner, "rv-b3", "delivered");
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("rv-b4", sku, "buyer-b", quantity: 1))).EnsureSuccessStatusCode();
        Assert.Equal("buyer_lifetime_limit", (await scenario.WaitForStateAsync(partner, "rv-b4", "refused-by-risk")).ReasonCode);
    }

    [Fact]
    public async Task An_order_refused_by_risk_whose_message_was_lost_is_still_told_to_the_partner_by_the_sweep()
    {
        await using var receiver = await CallbackReceiver.StartAsync(failFirst: 0);
        string queue;
        CreatedPartner partner;
        await using (var paidOnly = await Scenario.StartAsync(storage, triggerHost: false))
        {
            partner = await paidOnly.NewPartnerAsync(receiver.Url);
            var sku = await paidOnly.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
            await SaveAsync(paidOnly, partner.PartnerId, new RiskRulesDocument(MaxQuantity: 1), sku);
            (await paidOnly.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("lost-1", sku, "b", quantity: 2))).EnsureSuccessStatusCode();
            Assert.Equal("refused-by-risk", (await paidOnly.GetOrderAsync(partner, "lost-1"))!.State);
            queue = paidOnly.Queue;
            await storage.Queues.GetQueueClient(queue).ClearMessagesAsync(); // the message that would have told the partner is gone
        }

        await using var scenario = await Scenario.StartAsync(storage, queueName: queue, settings: new()
        {
            ["OrderSweep:QuietSeconds"] = "5",
            ["AzureWebJobs.SweepStalledOrders.Disabled"] = "false",
        });
        await Scenario.EventuallyAsync(() => Task.FromResult(receiver.Received.Any(r => r.Body.Contains("\"lost-1\"") && r.Body.Contains("order.refused-by-risk"))),
            "the partner told by the swept message", TimeSpan.FromSeconds(45));
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        Assert.Contains("order-refused-by-risk", await asPartner.GetStringAsync($"api/partners/{partner.PartnerId}/redemptions?orderId=lost-1"));
    }

    [Fact]
    public async Task An_approved_order_whose_message_was_lost_is_still_delivered_by_the_sweep()
    {
        string queue;
        CreatedPartner partner;
        await using (var held = await Scenario.StartAsync(storage))
        {
            partner = await held.NewPartnerAsync();
            var sku = await held.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
            await SaveAsync(held, partner.PartnerId, new RiskRulesDocument(Review: new ReviewRule("CNY", AmountAbove: 5m)), sku);
            (await held.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("lost-approval", sku, "b"))).EnsureSuccessStatusCode();
            await held.WaitForStateAsync(partner, "lost-approval", "held-for-review");
            // The hold published: the order has left the open-orders index, so only the approval can put it back.
            var openOrders = storage.Tables.GetTableClient(TableNames.OpenOrders);
            await Scenario.EventuallyAsync(() => Task.FromResult(!openOrders.Query<TableEntity>(e => e.GetString("OrderId") == "lost-approval").Any()), "the held order out of the index");
            queue = held.Queue;
        }

        await using (var approvedOnly = await Scenario.StartAsync(storage, triggerHost: false, queueName: queue))
        {
            (await approvedOnly.Ops.DecideReviewAsync(partner.PartnerId, "lost-approval", approve: true, "alice", "known customer")).EnsureSuccessStatusCode();
            await storage.Queues.GetQueueClient(queue).ClearMessagesAsync(); // the approval's fulfilment message is gone
        }

        await using var scenario = await Scenario.StartAsync(storage, queueName: queue, settings: new()
        {
            ["OrderSweep:QuietSeconds"] = "5",
            ["AzureWebJobs.SweepStalledOrders.Disabled"] = "false",
        });
        var delivered = await scenario.WaitForStateAsync(partner, "lost-approval", "delivered", TimeSpan.FromSeconds(45));
        Assert.Single(delivered.Keys);
    }

    [Fact]
    public async Task A_buyers_first_order_above_the_amount_is_held_and_later_ones_are_not()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(5));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(Review: new ReviewRule("CNY", FirstOrderAmountAbove: 15m)));

        // A small first order goes ahead and makes the buyer known; a new buyer's large first order is held.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("fo-small", sku, "known"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "fo-small", "delivered");
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("fo-known-large", sku, "known", quantity: 2))).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("fo-new-large", sku, "new", quantity: 2))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "fo-known-large", "delivered");
        await scenario.WaitForStateAsync(partner, "fo-new-large", "held-for-review");
        // A held order joins the review list when its fulfilment message is taken, a moment after its payment.
        await Scenario.EventuallyAsync(async () => (await scenario.Ops.ListReviewsAsync(partner.PartnerId)).Orders.Count > 0, "the held order listed for review");
        var held = Assert.Single((await scenario.Ops.ListReviewsAsync(partner.PartnerId)).Orders);
        Assert.Equal(("review_first_order", "the buyer's first order, 20 CNY, above 15"), (held.Rule, held.Detail));

        // Refused: it no longer makes the buyer known, so the buyer's next large order is a first order again.
        (await scenario.Ops.DecideReviewAsync(partner.PartnerId, "fo-new-large", approve: false, "bob", "not the card holder")).EnsureSuccessStatusCode();
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("fo-new-again", sku, "new", quantity: 2))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "fo-new-again", "held-for-review");
    }

    [Fact]
    public async Task A_paced_SKU_refuses_an_opening_in_a_full_minute_with_when_to_try_again_and_takes_it_in_the_next()
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new ShiftedClock(TimeSpan.FromSeconds(65 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond)); // 5 s into a minute
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: s => s.AddSingleton<TimeProvider>(clock));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(Pacing: new PacingRule(1)), sku);
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("pace-1", sku, "buyer-a"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "pace-1", "delivered");

        using var client = scenario.App.CreateClient(partner.ApiKey);
        var request = JsonSerializer.Serialize(new OpenOrderRequest("pace-2", sku, 1, "buyer-b"), ContractJson.Options);
        var refused = await client.PostAsync($"api/partners/{partner.PartnerId}/orders", new StringContent(request, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("\"pacing_limit\"", await refused.Content.ReadAsStringAsync());
        var wait = refused.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
        Assert.InRange(wait.TotalSeconds, 1, 56); // the rest of the minute, 5-10 s into it
        Assert.Null(await scenario.GetOrderAsync(partner, "pace-2"));

        clock.Offset += wait;
        var next = await client.PostAsync($"api/partners/{partner.PartnerId}/orders", new StringContent(request, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    [Fact]
    public async Task An_account_limit_counts_credits_of_one_account_whoever_pays_and_twenty_at_once_on_two_instances_credit_it_exactly_twice()
    {
        const string supplierKey = "risk-supplier-key";
        await using var alpha = await GenericRestSimulator.StartAsync(supplierKey, seed: 3);
        await using var scenario = await Scenario.StartAsync(storage, instances: 2, settings: new()
        {
            ["Suppliers:alpha:BaseUrl"] = alpha.BaseAddress.ToString(),
            ["Suppliers:alpha:ApiKey"] = supplierKey,
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = "topup-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Mobile top-up 30 CNY", "direct-top-up", 30m, "CNY", suppliers: ["alpha"], productCode: "mobile-cny-30");
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(AccountLimit: new AccountLimitRule(2, 86400)), sku);

        var senders = scenario.Apps.Select(app => new PaymentWebhookSender(app.CreateClient())).ToList();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => senders[i % 2].SendAsync(partner.PartnerId, partner.WebhookSecret,
            new PaymentData($"acct-{i}", sku, 1, 30m, "CNY", $"buyer-{i}", "13800000000"))));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode));
        var orders = new List<PartnerOrder>();
        foreach (var i in Enumerable.Range(0, 20))
        {
            orders.Add(await scenario.WaitForStateAsync(partner, $"acct-{i}", s => s is "delivered" or "refused-by-risk"));
        }

        Assert.Equal(2, orders.Count(o => o.State == "delivered"));
        Assert.All(orders.Where(o => o.State == "refused-by-risk"), o => Assert.Equal("account_limit", o.ReasonCode));
        Assert.Equal(2, alpha.Ledger.Credited().Count); // the account was credited twice, not twenty times
        Assert.Contains("credit 3 of the account in 24 h; limit 2", orders.First(o => o.State == "refused-by-risk").Reason);
        Assert.DoesNotContain("13800000000", string.Join("|", orders.Select(o => o.Reason)));

        // Another account is not affected, and an opening for the full one is refused before payment.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("acct-other", sku, 1, 30m, "CNY", "buyer-0", "13900000000"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "acct-other", "delivered");
        var (status, _, body) = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("acct-open", sku, 1, "buyer-new", "13800000000"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("account_limit", body);
    }

    [Fact]
    public async Task A_refund_in_full_by_the_payment_provider_gives_the_orders_count_back_and_a_partial_one_does_not()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var secret = StripeEventSender.NewEndpointSecret();
        await scenario.Ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: secret));
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(BuyerLifetimeLimit: 1), sku);

        var opened = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("rf-1", sku, 1, "buyer-a"))).Order!;
        var intent = StripeEventSender.NewId("pi");
        (await scenario.Stripe.SendAsync(partner.PartnerId, secret,
            StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), intent, opened.PaymentReference, opened.AmountInMinorUnits, "cny"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "rf-1", "delivered");
        var (before, _, body) = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("rf-2", sku, 1, "buyer-a"));
        Assert.True(before == HttpStatusCode.UnprocessableEntity && body.Contains("buyer_lifetime_limit"), $"{before} {body}");

        // Refunded in part: the order still counts (a small refund must not free the buyer's limit).
        (await scenario.Stripe.SendAsync(partner.PartnerId, secret, StripeEventSender.ChargeRefundedEvent(
            StripeEventSender.NewId("evt"), "ch_" + intent[3..], intent, opened.AmountInMinorUnits, 100, "cny"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "rf-1", "refunded");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("rf-2", sku, 1, "buyer-a"))).Status);

        // Refunded in full: given back.
        (await scenario.Stripe.SendAsync(partner.PartnerId, secret, StripeEventSender.ChargeRefundedEvent(
            StripeEventSender.NewId("evt"), "ch_" + intent[3..], intent, opened.AmountInMinorUnits, opened.AmountInMinorUnits, "cny"))).EnsureSuccessStatusCode();
        OpenedOrder? second = null;
        await Scenario.EventuallyAsync(async () => (second = (await scenario.OpenOrderAsync(partner, new OpenOrderRequest("rf-2", sku, 1, "buyer-a"))).Order) is not null,
            "the buyer may buy again once the refunded unit is given back");
        (await scenario.Stripe.SendAsync(partner.PartnerId, secret,
            StripeEventSender.CheckoutSessionEvent(StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), second!.PaymentReference, second.AmountInMinorUnits, "cny"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "rf-2", "delivered");
    }

    [Fact]
    public async Task An_order_held_past_its_deadline_raises_one_ops_alert()
    {
        var clock = new ShiftedClock();
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: s => s.AddSingleton<TimeProvider>(clock), settings: new() { ["Risk:ReviewDeadlineMinutes"] = "30" });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(Review: new ReviewRule("CNY", AmountAbove: 5m)), sku);
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("late-1", sku, "b"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "late-1", "held-for-review");
        await Scenario.EventuallyAsync(async () => (await scenario.Ops.ListReviewsAsync(partner.PartnerId)).Orders.Count == 1, "the order listed for review");
        var desk = scenario.Service<Fulfilment.Delivery.ReviewDesk>();

        await desk.AlertOverdueAsync(default);
        Assert.Empty(await AlertsAboutAsync(scenario, "late-1")); // within its deadline

        clock.Offset = TimeSpan.FromMinutes(31);
        await desk.AlertOverdueAsync(default);
        await desk.AlertOverdueAsync(default); // the next minute's run: already alerted
        var alert = Assert.Single(await AlertsAboutAsync(scenario, "late-1"));
        Assert.Contains("review-overdue", alert);
        Assert.Contains("approve or refuse it", alert);
        Assert.NotNull(Assert.Single((await scenario.Ops.ListReviewsAsync(partner.PartnerId)).Orders).AlertedAt);
    }

    [Fact]
    public async Task A_payment_counted_but_not_written_counts_once_when_retried_and_frees_its_unit_after_the_grace_when_never_retried()
    {
        var clock = new ShiftedClock();
        var outage = new TableOutage(TableNames.OpenOrders, batches: false); // counting succeeds, writing the order fails: as a crash right there
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: services =>
        {
            outage.InTablesOf(storage.ConnectionString)(services);
            services.AddSingleton<TimeProvider>(clock);
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(3));
        await SaveAsync(scenario, partner.PartnerId, new RiskRulesDocument(BuyerLifetimeLimit: 1), sku);

        outage.Begin();
        var retried = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("cw-1", sku, "buyer-a"));
        var abandoned = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("cw-2", sku, "buyer-b"));
        outage.End();
        Assert.False(retried.IsSuccessStatusCode || abandoned.IsSuccessStatusCode, "a payment that was not written is not answered success");
        Assert.True(outage.Refused >= 2);

        // The sender retries the first: it finds its own unit, so it is not refused by its own count.
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("cw-1", sku, "buyer-a"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "cw-1", "delivered");

        // The second is never retried: its unit is held for the grace, then freed, because no order of that id counts.
        var (within, _, body) = await scenario.OpenOrderAsync(partner, new OpenOrderRequest("cw-3", sku, 1, "buyer-b"));
        Assert.True(within == HttpStatusCode.UnprocessableEntity && body.Contains("buyer_lifetime_limit"), $"{within} {body}");
        clock.Offset = Fulfilment.Risk.RiskCounters.Grace + TimeSpan.FromSeconds(1);
        (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, Payment("cw-3", sku, "buyer-b"))).EnsureSuccessStatusCode();
        await scenario.WaitForStateAsync(partner, "cw-3", "delivered");
        Assert.Null(await scenario.GetOrderAsync(partner, "cw-2"));
    }

    /// <summary>The ops alerts about one order on the scenario's alerts queue (read whole: other tests' alerts may be there too).</summary>
    internal static async Task<List<string>> AlertsAboutAsync(Scenario scenario, string orderId)
    {
        var queue = scenario.Service<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(scenario.Queue + "-alerts");
        if (!(await queue.ExistsAsync()).Value)
        {
            return [];
        }

        var texts = new List<string>();
        var seen = new HashSet<string>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (batch.Length == 0)
            {
                return texts;
            }

            foreach (var message in batch.Where(m => seen.Add(m.MessageId)))
            {
                var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
                if (text.Contains(orderId, StringComparison.Ordinal))
                {
                    texts.Add(text);
                }
            }
        }
    }
}
