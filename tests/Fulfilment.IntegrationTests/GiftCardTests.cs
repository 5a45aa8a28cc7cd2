using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Delivery;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.Storage;
using Fulfilment.SupplierSimulator;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Card keys that local stock cannot serve, bought on demand as Reloadly gift cards from a simulator speaking Reloadly's
/// gift-card API. Whatever the faults, each code the supplier sold goes to exactly one delivered order, local stock is
/// used first, the daily spend cap holds, and no code is ever written in plain anywhere but the partner's answer.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class GiftCardTests(StorageFixture storage)
{
    private const string ClientId = "giftcard-client";
    private const string ClientSecret = "giftcard-secret";
    private const string Supplier = "giftcards";
    private const decimal UnitCost = 8m;
    private static readonly string[] Settled = ["delivered", "awaiting-stock", "needs-attention", "failed", "cancelled"];

    public static TheoryData<string> Faults() => new(SupplierFaults.Names.Where(f => f != "invalid-account"));

    [Fact]
    public async Task Local_stock_is_used_first_and_only_the_missing_codes_are_bought_one_purchase_per_order()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 1);
        await using var scenario = await StartAsync(supplier);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario);
        var local = Scenario.NewCardKeys(2);
        await scenario.Ops.ImportKeysAsync(sku, local);

        // 5 keys wanted, 2 in stock: the first orders take the local keys, the rest are bought (2 in one purchase for the order of 2).
        await scenario.PayAsync(partner, sku, "mixed-1");
        await scenario.WaitForStateAsync(partner, "mixed-1", "delivered");
        await scenario.PayAsync(partner, sku, "mixed-2", quantity: 3);
        await scenario.WaitForStateAsync(partner, "mixed-2", "delivered");
        await scenario.PayAsync(partner, sku, "mixed-3");
        var orders = await WaitForSettledAsync(scenario, partner, ["mixed-1", "mixed-2", "mixed-3"]);

        Assert.All(orders, o => Assert.Equal("delivered", o.State));
        var delivered = orders.SelectMany(o => o.Keys.Select(k => k.Code)).ToList();
        Assert.Equal(5, delivered.Count);
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Subset(delivered.ToHashSet(), local.ToHashSet());
        AssertCodesAgree(orders, supplier);
        Assert.Equal(3, supplier.Ledger.All().Sum(c => ReloadlySimulator.Codes(c).Length));
        Assert.Equal(2, supplier.Submits); // mixed-2 bought the 2 codes local stock lacked in one order, mixed-3 its one
        Assert.Equal((0, 0, 5), await StockAsync(scenario, sku));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Every_fault_ends_in_a_stated_state_with_exactly_one_code_bought_per_delivered_order(string fault)
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 7);
        supplier.Faults = SupplierFaults.Named(fault);
        await using var scenario = await StartAsync(supplier);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario);
        var orderIds = Enumerable.Range(0, 4).Select(i => $"{fault}-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            Assert.Equal(HttpStatusCode.Created, (await scenario.PayAsync(partner, sku, orderId)).StatusCode);
        }

        var orders = await WaitForSettledAsync(scenario, partner, orderIds);

        AssertCodesAgree(orders, supplier);
        var expected = fault == "pending-then-failed" ? "awaiting-stock" : "delivered";
        Assert.All(orders, o => Assert.Equal(expected, o.State));
        if (fault == "pending-then-failed")
        {
            // The purchase failed for sure: its spend is given back, and the order waits for stock like any.
            foreach (var order in orders)
            {
                Assert.Contains("no supplier left", await ReasonAsync(scenario, partner, order.OrderId), StringComparison.Ordinal);
            }

            Assert.Equal(0m, await SpentTodayAsync(scenario, sku));
        }
        else
        {
            Assert.Equal(4 * UnitCost, await SpentTodayAsync(scenario, sku));
        }
    }

    [Fact]
    public async Task The_daily_spend_cap_stops_buying_and_the_order_waits_for_stock_until_keys_are_imported()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 2);
        await using var scenario = await StartAsync(supplier);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario, dailyCap: 2 * UnitCost);

        foreach (var orderId in new[] { "cap-1", "cap-2" })
        {
            await scenario.PayAsync(partner, sku, orderId);
            await scenario.WaitForStateAsync(partner, orderId, "delivered");
        }

        await scenario.PayAsync(partner, sku, "cap-3");
        await scenario.WaitForStateAsync(partner, "cap-3", "awaiting-stock");
        Assert.Contains("daily code spend cap", await ReasonAsync(scenario, partner, "cap-3"), StringComparison.Ordinal);
        await scenario.WaitForAlertAsync(partner.PartnerId, "cap-3");
        Assert.Equal(2, supplier.Submits);
        Assert.Equal(2 * UnitCost, await SpentTodayAsync(scenario, sku));

        await scenario.Ops.ImportKeysAsync(sku, Scenario.NewCardKeys(1));
        await scenario.WaitForStateAsync(partner, "cap-3", "delivered");
        Assert.Equal(2, supplier.Submits);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Worker_killed_between_buying_and_recording_the_result_never_buys_twice(bool supplierGotTheRequest, bool codesReserved)
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 9);
        await using var scenario = await StartAsync(supplier, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario);
        await scenario.PayAsync(partner, sku, "crash-1");

        // What a killed worker leaves: the reference stored, the purchase maybe sent, nothing recorded.
        var orderBook = scenario.Service<OrderBook>();
        var paid = (await orderBook.GetAsync(partner.PartnerId, "crash-1", default))!;
        var reference = $"{partner.PartnerId}:crash-1:1";
        Assert.NotNull(await orderBook.TryChangeAsync(
            paid with
            {
                State = OrderState.Submitting, Supplier = Supplier, ClientReference = reference, SubmitCount = 1, CodesBuying = 1,
                ClaimStartedAt = DateTimeOffset.UtcNow, ReconcileBy = DateTimeOffset.UtcNow.AddMinutes(5),
            },
            default));
        if (supplierGotTheRequest)
        {
            await BuyDirectlyAsync(supplier, reference);
        }

        if (codesReserved)
        {
            // It died later still: the codes were sealed into the inventory, reserved for the order, and not yet bound.
            var codes = ReloadlySimulator.Codes(supplier.Ledger.All().Single()).Select(c => c.Replace("/", " PIN ", StringComparison.Ordinal)).ToList();
            var found = (await scenario.Service<Catalogue.SkuCatalogue>().FindAsync(sku, default))!;
            var (reserved, problem) = await scenario.Service<Inventory.BoughtCodes>().ReserveAsync(found, paid.Reference, codes, Supplier, default);
            Assert.Null(problem);
            Assert.Single(reserved);
            Assert.Equal((0, 1, 0), await StockAsync(scenario, sku));
        }

        var fulfilment = scenario.Service<OrderFulfilment>();
        await Scenario.EventuallyAsync(async () =>
        {
            await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "crash-1"), default);
            return (await scenario.GetOrderAsync(partner, "crash-1"))!.State == "delivered";
        }, "the crashed order delivered");
        var order = (await scenario.GetOrderAsync(partner, "crash-1"))!;
        Assert.Single(supplier.Ledger.All());
        Assert.Equal(1, supplier.Submits); // the crashed worker's, or the one made after the supplier said it never got it
        AssertCodesAgree([order], supplier);

        // The message again, after delivery: nothing more is bought or delivered.
        await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "crash-1"), default);
        Assert.Equal(1, supplier.Submits);
        Assert.Equal((0, 0, 1), await StockAsync(scenario, sku));
    }

    [Fact]
    public async Task A_refund_while_codes_are_being_bought_cancels_the_order_and_the_code_bought_goes_to_stock()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 3);
        supplier.Faults = new SupplierFaults { Pending = 1, PendingMilliseconds = 1500 };
        await using var scenario = await StartAsync(supplier);
        var (partner, secret) = await PaymentReversalTests.StripePartnerAsync(scenario);
        var sku = await NewSkuAsync(scenario);
        var paid = await PaymentReversalTests.PayWithStripeAsync(scenario, partner, secret, sku, "refund-1", 1);
        await scenario.WaitForStateAsync(partner, "refund-1", "reconciling");

        Assert.Equal(HttpStatusCode.OK, (await PaymentReversalTests.RefundAsync(scenario, paid, paid.Order.AmountInMinorUnits)).StatusCode);
        var cancelled = await scenario.WaitForStateAsync(partner, "refund-1", "cancelled");

        Assert.Empty(cancelled.Keys);
        Assert.Single(supplier.Ledger.Credited());
        await scenario.WaitForStockAsync(sku, (1, 0, 0)); // the code bought is stock now, for the next buyer
        await scenario.PayAsync(partner, sku, "next-1");
        var next = await scenario.WaitForStateAsync(partner, "next-1", "delivered");
        Assert.Equal(ReloadlySimulator.Codes(supplier.Ledger.All().Single()).Single().Replace("/", " PIN ", StringComparison.Ordinal), next.Keys.Single().Code);
        Assert.Equal(1, supplier.Submits);
    }

    [Fact]
    public async Task A_code_sold_twice_or_already_in_stock_is_never_delivered_twice_and_ops_are_told()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 6);
        supplier.CodesToSell.Enqueue("GC-SOLD-TWICE/1111");
        supplier.CodesToSell.Enqueue("GC-SOLD-TWICE/1111");
        await using var scenario = await StartAsync(supplier);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario);

        await scenario.PayAsync(partner, sku, "twice-1");
        var first = await scenario.WaitForStateAsync(partner, "twice-1", "delivered");
        Assert.Equal("GC-SOLD-TWICE PIN 1111", first.Keys.Single().Code);

        await scenario.PayAsync(partner, sku, "twice-2");
        var second = await scenario.WaitForStateAsync(partner, "twice-2", "needs-attention");
        Assert.Empty(second.Keys);
        Assert.Contains("already in the inventory", await ReasonAsync(scenario, partner, "twice-2"), StringComparison.Ordinal);
        await scenario.WaitForAlertAsync(partner.PartnerId, "twice-2");

        // Another message for it changes nothing: no claim, no second purchase.
        await scenario.Service<OrderFulfilment>().FulfilAsync(new FulfilmentRequest(partner.PartnerId, "twice-2"), default);
        Assert.Equal("needs-attention", (await scenario.GetOrderAsync(partner, "twice-2"))!.State);
        Assert.Equal(2, supplier.Submits);
        Assert.Equal((0, 0, 1), await StockAsync(scenario, sku));
    }

    [Fact]
    public async Task No_gift_card_code_appears_in_plain_in_any_log_queue_message_table_or_ops_answer()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 5);
        // Answers lost after buying and failing queries: codes travel the reconciliation path too.
        supplier.Faults = new SupplierFaults { TimeoutAfterAccepting = 0.5, QueryServerError = 0.3 };
        await using var scenario = await StartAsync(supplier);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewSkuAsync(scenario);
        var orderIds = Enumerable.Range(0, 4).Select(i => $"secret-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            await scenario.PayAsync(partner, sku, orderId, quantity: 2);
        }

        var orders = await WaitForSettledAsync(scenario, partner, orderIds);
        Assert.All(orders, o => Assert.Equal("delivered", o.State));
        var codes = supplier.Ledger.All().SelectMany(ReloadlySimulator.Codes).ToList();
        Assert.Equal(8, codes.Count);
        Assert.Equal(codes.Select(c => c.Replace("/", " PIN ", StringComparison.Ordinal)).Order(), orders.SelectMany(o => o.Keys.Select(k => k.Code)).Order());

        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var everything = await StoredText.CollectAsync(storage, scenario);
        foreach (var path in orderIds.Select(id => $"api/ops/partners/{partner.PartnerId}/orders/{id}").Append($"api/ops/skus/{sku}/stock").Append("api/ops/suppliers"))
        {
            everything.AppendLine(await ops.GetStringAsync(path));
        }

        var text = everything.ToString();
        Assert.Contains(orderIds[0], text, StringComparison.Ordinal); // the scan did see the run
        Assert.Contains(partner.PartnerId + ":secret-0:1", text, StringComparison.Ordinal); // and the purchases' references
        Assert.All(codes, code => Assert.DoesNotContain(code[..code.IndexOf('/')], text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sku_buying_codes_must_name_code_sellers_with_their_products_a_unit_cost_and_a_daily_cap()
    {
        await using var supplier = await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: 4);
        await using var scenario = await StartAsync(supplier, triggerHost: false, extra: new()
        {
            ["Suppliers:topups:Protocol"] = "generic-rest",
            ["Suppliers:topups:BaseUrl"] = supplier.BaseAddress.ToString(),
            ["Suppliers:topups:ApiKey"] = "a-supplier-key",
        });
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        async Task<string> RefusedAsync(object body)
        {
            var response = await ops.PutAsJsonAsync("api/ops/skus/gift-bad", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            return text;
        }

        Assert.Contains("dailyCodeSpendCap is required", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", suppliers = new[] { Supplier }, productCode = "120:10", unitCost = 8 }), StringComparison.Ordinal);
        Assert.Contains("unitCost is required", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", suppliers = new[] { Supplier }, productCode = "120:10", dailyCodeSpendCap = 100 }), StringComparison.Ordinal);
        Assert.Contains("not a Reloadly gift-card product code", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", suppliers = new[] { Supplier }, productCode = "NG:auto", unitCost = 8, dailyCodeSpendCap = 100 }), StringComparison.Ordinal);
        Assert.Contains("sells no codes", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", suppliers = new[] { "topups" }, productCode = "X", unitCost = 8, dailyCodeSpendCap = 100 }), StringComparison.Ordinal);
        Assert.Contains("sells codes", await RefusedAsync(new { name = "T", kind = "direct-top-up", unitPrice = 10, currency = "CNY", suppliers = new[] { Supplier }, productCode = "120:10" }), StringComparison.Ordinal);
        Assert.Contains("at most 2 decimals", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", suppliers = new[] { Supplier }, productCode = "120:10", unitCost = 8, dailyCodeSpendCap = 100.001 }), StringComparison.Ordinal);
        Assert.Contains("for card-key SKUs that buy codes", await RefusedAsync(new { name = "G", kind = "card-key", unitPrice = 10, currency = "CNY", dailyCodeSpendCap = 100 }), StringComparison.Ordinal);

        var saved = await scenario.Ops.SaveSkuAsync("gift-good", "G", "card-key", 10m, "CNY", suppliers: [Supplier], productCode: "120:10", unitCost: 8m, dailyCodeSpendCap: 100m);
        Assert.Equal(100m, saved.DailyCodeSpendCap);
        Assert.Equal([Supplier], saved.Suppliers);
    }

    /// <summary>Each code the supplier sold went to exactly one delivered order, and each order's codes came from its own purchases.</summary>
    private static void AssertCodesAgree(IReadOnlyList<PartnerOrder> orders, ReloadlySimulator supplier)
    {
        var sold = supplier.Ledger.Credited()
            .SelectMany(c => ReloadlySimulator.Codes(c).Select(code => (Order: c.ClientReference.Split(':')[1], Code: code.Replace("/", " PIN ", StringComparison.Ordinal))))
            .ToList();
        var delivered = orders.Where(o => o.State == "delivered").SelectMany(o => o.Keys.Select(k => (Order: o.OrderId, k.Code))).ToList();
        Assert.Equal(sold.Count, sold.Select(s => s.Code).Distinct().Count());
        Assert.All(sold, s => Assert.Contains(s, delivered));
        Assert.All(orders.Where(o => o.State != "delivered"), o => Assert.DoesNotContain(sold, s => s.Order == o.OrderId));
    }

    private static async Task<List<PartnerOrder>> WaitForSettledAsync(Scenario scenario, CreatedPartner partner, IReadOnlyList<string> orderIds)
    {
        List<PartnerOrder> orders = [];
        await Scenario.EventuallyAsync(async () =>
        {
            orders = (await Task.WhenAll(orderIds.Select(id => scenario.GetOrderAsync(partner, id)))).Select(o => o!).ToList();
            return orders.All(o => Settled.Contains(o.State));
        }, "every order settled", TimeSpan.FromSeconds(120));
        return orders;
    }

    private static async Task<string?> ReasonAsync(Scenario scenario, CreatedPartner partner, string orderId) =>
        (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, orderId, default))!.StateReason;

    private static async Task<(int Available, int Reserved, int Sold)> StockAsync(Scenario scenario, string sku)
    {
        var stock = await scenario.Ops.GetStockAsync(sku);
        return (stock.Available, stock.Reserved, stock.Sold);
    }

    private static async Task<decimal> SpentTodayAsync(Scenario scenario, string sku)
    {
        var found = (await scenario.Service<Catalogue.SkuCatalogue>().FindAsync(sku, default))!;
        return await scenario.Service<Inventory.DailyCodeSpend>().SpentAsync(found, DateTimeOffset.UtcNow, default);
    }

    private static async Task<string> NewSkuAsync(Scenario scenario, decimal dailyCap = 1000m)
    {
        var sku = "gift-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Game credit 10", "card-key", 10m, "CNY", suppliers: [Supplier], productCode: "120:10", unitCost: UnitCost, dailyCodeSpendCap: dailyCap);
        return sku;
    }

    private Task<Scenario> StartAsync(ReloadlySimulator supplier, bool triggerHost = true, Dictionary<string, string?>? extra = null) =>
        Scenario.StartAsync(storage, triggerHost: triggerHost, settings: new Dictionary<string, string?>(extra ?? [])
        {
            [$"Suppliers:{Supplier}:Protocol"] = "reloadly-giftcards",
            [$"Suppliers:{Supplier}:BaseUrl"] = supplier.BaseAddress.ToString(),
            [$"Suppliers:{Supplier}:AuthUrl"] = supplier.BaseAddress.ToString(),
            [$"Suppliers:{Supplier}:ClientId"] = ClientId,
            [$"Suppliers:{Supplier}:ClientSecret"] = ClientSecret,
            [$"Suppliers:{Supplier}:AttemptTimeoutSeconds"] = "1",
            [$"Suppliers:{Supplier}:TotalTimeoutSeconds"] = "3",
            ["SupplierDelivery:ReconcileFirstDelaySeconds"] = "0.1",
            ["SupplierDelivery:ReconcileMaxDelaySeconds"] = "0.5",
            ["SupplierDelivery:ReconcileDeadlineMinutes"] = "1",
        });

    /// <summary>What the crashed worker's request did at the supplier: the same order, our reference.</summary>
    private static async Task BuyDirectlyAsync(ReloadlySimulator supplier, string reference)
    {
        using var http = new HttpClient { BaseAddress = supplier.BaseAddress };
        var token = await (await http.PostAsJsonAsync("oauth/token", new Dictionary<string, string>
        {
            ["client_id"] = ClientId, ["client_secret"] = ClientSecret, ["grant_type"] = "client_credentials", ["audience"] = supplier.Audience,
        })).Content.ReadFromJsonAsync<Dictionary<string, object>>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());
        (await http.PostAsJsonAsync("orders", new { productId = 120, quantity = 1, unitPrice = 10, customIdentifier = reference, senderName = "Fulfilment" })).EnsureSuccessStatusCode();
    }
}
