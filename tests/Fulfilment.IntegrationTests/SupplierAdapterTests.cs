using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Fulfilment.Contract;
using Fulfilment.Delivery;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.SupplierSimulator;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Top-ups through the Reloadly and DT One adapters, each against a simulator speaking that supplier's documented wire
/// protocol. Whatever the faults, the simulators' ledgers must show exactly one credit per delivered order and none for a
/// failed one; failover happens only after a confirmed failure.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class SupplierAdapterTests(StorageFixture storage)
{
    private const string ClientId = "reloadly-client";
    private const string ClientSecret = "reloadly-secret";
    private const string ApiKey = "dtone-key";
    private const string ApiSecret = "dtone-secret";
    private const string CallbackSecret = "a-callback-secret-of-at-least-32-characters";
    private const string Account = "+2348031234567";
    private const string InvalidAccount = "+0001234567";

    public static TheoryData<string, string> FaultMatrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in new[] { "reloadly", "dtone" })
        {
            foreach (var fault in SupplierFaults.Names)
            {
                data.Add(protocol, fault);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FaultMatrix))]
    public async Task Every_fault_of_each_supplier_ends_in_a_stated_state_with_exactly_one_credit_per_delivered_order(string protocol, string fault)
    {
        await using var supplier = await StartSupplierAsync(protocol, seed: 11);
        supplier.Faults = SupplierFaults.Named(fault);
        await using var scenario = await StartAsync([(protocol, supplier)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, protocol);
        var orderIds = Enumerable.Range(0, 5).Select(i => $"{protocol}-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            Assert.Equal(HttpStatusCode.Created, (await PayAsync(scenario, partner, sku, orderId, fault == "invalid-account" ? InvalidAccount : Account)).StatusCode);
        }

        var orders = await TopUpTests.WaitForTerminalAsync(scenario, partner, orderIds);

        TopUpTests.AssertLedgersAgree(orders, supplier);
        var expected = fault is "invalid-account" or "pending-then-failed" ? "failed" : "delivered";
        Assert.All(orders, o => Assert.Equal(expected, o.State));
        Assert.All(orders, o => Assert.Equal(fault switch { "invalid-account" => "account_rejected", "pending-then-failed" => "not_fulfilled", _ => null }, o.ReasonCode));
    }

    [Theory]
    [InlineData("reloadly", "dtone")]
    [InlineData("dtone", "reloadly")]
    public async Task A_confirmed_failure_fails_over_to_the_next_supplier_and_the_history_shows_both(string first, string second)
    {
        await using var primary = await StartSupplierAsync(first, seed: 5);
        await using var secondary = await StartSupplierAsync(second, seed: 6);
        primary.Faults = new SupplierFaults { PendingThenFailed = 1, PendingMilliseconds = 200 };
        await using var scenario = await StartAsync([(first, primary), (second, secondary)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, first, second);

        await PayAsync(scenario, partner, sku, "over-1", Account);
        var order = (await TopUpTests.WaitForTerminalAsync(scenario, partner, ["over-1"])).Single();

        Assert.Equal("delivered", order.State);
        TopUpTests.AssertLedgersAgree([order], primary, secondary);
        Assert.Empty(primary.Ledger.Credited());
        Assert.Single(secondary.Ledger.Credited());
        var history = (await scenario.Service<OrderBook>().GetAsync(partner.PartnerId, "over-1", default))!.History;
        Assert.Contains(history, a => a.Supplier == first && a.Outcome == "Failed");
        Assert.Contains(history, a => a.Supplier == second && a.Outcome == "Succeeded");
    }

    [Theory]
    [InlineData("reloadly", "dtone")]
    [InlineData("dtone", "reloadly")]
    public async Task An_unknown_outcome_never_fails_over(string first, string second)
    {
        await using var primary = await StartSupplierAsync(first, seed: 5);
        await using var secondary = await StartSupplierAsync(second, seed: 6);
        primary.Faults = new SupplierFaults { TimeoutAfterAccepting = 1, QueryServerError = 0.5 };
        await using var scenario = await StartAsync([(first, primary), (second, secondary)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, first, second);

        await PayAsync(scenario, partner, sku, "unknown-1", Account);
        var order = (await TopUpTests.WaitForTerminalAsync(scenario, partner, ["unknown-1"])).Single();

        Assert.Equal("delivered", order.State);
        Assert.Single(primary.Ledger.Credited());
        Assert.Equal(0, secondary.Submits);
    }

    /// <summary>Property: random faults at both suppliers, switching while orders flow, with failover between them.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Random_faults_across_both_suppliers_with_failover_never_credit_an_order_twice(int seed)
    {
        var random = new Random(seed);
        await using var reloadly = await StartSupplierAsync("reloadly", seed: seed);
        await using var dtone = await StartSupplierAsync("dtone", seed: seed + 100);
        await using var scenario = await StartAsync([("reloadly", reloadly), ("dtone", dtone)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "reloadly", "dtone");
        var orderIds = Enumerable.Range(0, 15).Select(i => $"mix-{seed}-{i}").ToList();
        var invalid = orderIds.Where(_ => random.NextDouble() < 0.2).ToHashSet();
        using var stop = new CancellationTokenSource(); // from here on, only the chaos task draws from random
        var rounds = 0;
        var chaos = Task.Run(async () =>
        {
            for (; !stop.IsCancellationRequested; Interlocked.Increment(ref rounds))
            {
                reloadly.Faults = SupplierFaults.Random(random);
                dtone.Faults = SupplierFaults.Random(random);
                if (random.NextDouble() < 0.3)
                {
                    ((ReloadlySimulator)reloadly).ExpireTokens();
                }

                await Task.Delay(random.Next(100, 400));
            }
        });

        foreach (var orderId in orderIds)
        {
            await PayAsync(scenario, partner, sku, orderId, invalid.Contains(orderId) ? InvalidAccount : Account);
        }

        // The chaos lasts until every valid order has been submitted under it (an invalid number is refused before any
        // submit), and for ten switches of faults at least.
        await Scenario.EventuallyAsync(
            () => Task.FromResult(reloadly.Submits + dtone.Submits >= orderIds.Count - invalid.Count && Volatile.Read(ref rounds) >= 10),
            "every valid order submitted under ten rounds of random faults");
        await stop.CancelAsync();
        await chaos;
        reloadly.Faults = dtone.Faults = SupplierFaults.None;
        var orders = await TopUpTests.WaitForTerminalAsync(scenario, partner, orderIds);

        TopUpTests.AssertLedgersAgree(orders, reloadly, dtone);
        Assert.All(orders.Where(o => invalid.Contains(o.OrderId)), o => Assert.Equal("failed", o.State));
        Assert.All(orders.Where(o => !invalid.Contains(o.OrderId)), o =>
            Assert.True(o.State == "delivered" || (o.State == "failed" && o.ReasonCode == "not_fulfilled"), $"order {o.OrderId}: {o.State} {o.ReasonCode}"));
    }

    [Fact]
    public async Task Tokens_expiring_mid_run_are_replaced_once_for_everyone_and_no_order_is_lost()
    {
        await using var supplier = await StartSupplierAsync("reloadly", seed: 3);
        var reloadly = (ReloadlySimulator)supplier;
        await using var scenario = await StartAsync([("reloadly", supplier)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "reloadly");
        await PayAsync(scenario, partner, sku, "warm-up", Account);
        await TopUpTests.WaitForTerminalAsync(scenario, partner, ["warm-up"]);

        // Every token dies at once (revoked, or a clock ahead of ours): twenty orders at once meet the refusal together.
        // (Renewal before expiry is SupplierAnswerTests' to check, on a clock of its own.)
        reloadly.ExpireTokens();
        var issuedBefore = reloadly.TokensIssued;
        var orderIds = Enumerable.Range(0, 20).Select(i => $"token-{i}").ToList();
        await Task.WhenAll(orderIds.Select(id => PayAsync(scenario, partner, sku, id, Account)));
        var orders = await TopUpTests.WaitForTerminalAsync(scenario, partner, orderIds);

        Assert.All(orders, o => Assert.Equal("delivered", o.State));
        TopUpTests.AssertLedgersAgree(orders, supplier);
        Assert.True(reloadly.TokensRefused >= 1, "the expired token was refused");
        Assert.Equal(1, reloadly.TokensIssued - issuedBefore); // one refresh at a time, shared by every caller
    }

    [Theory]
    [InlineData("reloadly", true)]
    [InlineData("reloadly", false)]
    [InlineData("dtone", true)]
    [InlineData("dtone", false)]
    public async Task Worker_killed_between_submitting_and_recording_the_result_never_credits_twice(string protocol, bool supplierGotTheRequest)
    {
        await using var supplier = await StartSupplierAsync(protocol, seed: 9);
        await using var scenario = await StartAsync([(protocol, supplier)], triggerHost: false, dtOneAutoConfirm: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, protocol);
        await PayAsync(scenario, partner, sku, "crash-1", Account);

        // What a killed worker leaves: the reference stored, the submit maybe sent, nothing recorded.
        var orderBook = scenario.Service<OrderBook>();
        var paid = (await orderBook.GetAsync(partner.PartnerId, "crash-1", default))!;
        var reference = $"{partner.PartnerId}:crash-1:1";
        Assert.NotNull(await orderBook.TryChangeAsync(
            paid with { State = OrderState.Submitting, Supplier = protocol, ClientReference = reference, SubmitCount = 1, ReconcileBy = DateTimeOffset.UtcNow.AddMinutes(5) }, default));
        if (supplierGotTheRequest)
        {
            await SubmitDirectlyAsync(protocol, supplier, reference);
        }

        // The message comes back, and later reconciliation messages are run by hand (no trigger host here) until it settles.
        var fulfilment = scenario.Service<OrderFulfilment>();
        await Scenario.EventuallyAsync(async () =>
        {
            await fulfilment.FulfilAsync(new FulfilmentRequest(partner.PartnerId, "crash-1"), default);
            return (await scenario.GetOrderAsync(partner, "crash-1"))!.State == "delivered";
        }, "the crashed order delivered");
        Assert.Single(supplier.Ledger.Credited());
        Assert.Equal(1, supplier.Submits); // the crashed worker's, or the one made after the supplier said it never got it
        Assert.True(supplier.Queries >= 1, "the outcome was asked for before anything else");
    }

    [Fact]
    public async Task A_dt_one_transaction_created_without_confirmation_is_confirmed_and_delivered()
    {
        await using var supplier = await StartSupplierAsync("dtone", seed: 4);
        await using var scenario = await StartAsync([("dtone", supplier)], dtOneAutoConfirm: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "dtone");

        await PayAsync(scenario, partner, sku, "confirm-1", Account);
        var order = (await TopUpTests.WaitForTerminalAsync(scenario, partner, ["confirm-1"])).Single();

        Assert.Equal("delivered", order.State);
        Assert.Single(supplier.Ledger.Credited());
        Assert.Equal(1, ((DtOneSimulator)supplier).Confirms);
    }

    [Fact]
    public async Task A_dt_one_callback_settles_the_order_long_before_the_next_poll_and_a_lost_callback_leaves_polling_to_settle_it()
    {
        await using var supplier = await StartSupplierAsync("dtone", seed: 4);
        var dtone = (DtOneSimulator)supplier;
        dtone.CompletionTime = TimeSpan.FromMilliseconds(300);
        var port = Azurite.FreePort();
        await using var scenario = await StartAsync([("dtone", supplier)], firstDelaySeconds: 20, settings: new()
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Suppliers:dtone:CallbackBaseUrl"] = $"http://127.0.0.1:{port}/",
            ["Suppliers:dtone:CallbackSecret"] = CallbackSecret,
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "dtone");

        await PayAsync(scenario, partner, sku, "callback-1", Account);
        await Scenario.EventuallyAsync(
            async () => (await scenario.GetOrderAsync(partner, "callback-1"))!.State == "delivered",
            "delivered through the callback, well before the 20 s poll", TimeSpan.FromSeconds(10));
        Assert.Equal(1, dtone.CallbacksSent);

        // DT One's rare manual reversal of a completed top-up: the order stays delivered, and ops are told.
        Assert.Empty(await RiskRuleTests.AlertsAboutAsync(scenario, "callback-1"));
        dtone.Reverse($"{partner.PartnerId}:callback-1:1");
        await Scenario.EventuallyAsync(async () => (await RiskRuleTests.AlertsAboutAsync(scenario, "callback-1")).Any(a => a.Contains("supplier-reversed", StringComparison.Ordinal)), "an ops alert about the reversal");
        Assert.Equal("delivered", (await scenario.GetOrderAsync(partner, "callback-1"))!.State);

        // A callback URL we did not sign, or for another order, is refused and does nothing.
        var forged = $"api/suppliers/dtone/callbacks?partner={partner.PartnerId}&order=callback-1&sig=AAAA";
        Assert.Equal(HttpStatusCode.Unauthorized, (await scenario.Http.PostAsJsonAsync(forged, new { external_id = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await scenario.Http.PostAsJsonAsync("api/suppliers/nobody/callbacks?partner=a&order=b&sig=c", new { })).StatusCode);
    }

    [Fact]
    public async Task Lost_dt_one_callbacks_leave_polling_to_settle_every_order()
    {
        await using var supplier = await StartSupplierAsync("dtone", seed: 4);
        ((DtOneSimulator)supplier).CallbackLoss = 1;
        var port = Azurite.FreePort();
        await using var scenario = await StartAsync([("dtone", supplier)], settings: new()
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Suppliers:dtone:CallbackBaseUrl"] = $"http://127.0.0.1:{port}/",
            ["Suppliers:dtone:CallbackSecret"] = CallbackSecret,
        });
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "dtone");
        var orderIds = Enumerable.Range(0, 5).Select(i => $"lost-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            await PayAsync(scenario, partner, sku, orderId, Account);
        }

        var orders = await TopUpTests.WaitForTerminalAsync(scenario, partner, orderIds);

        Assert.All(orders, o => Assert.Equal("delivered", o.State));
        TopUpTests.AssertLedgersAgree(orders, supplier);
        Assert.Equal(0, ((DtOneSimulator)supplier).CallbacksSent);
    }


    [Fact]
    public async Task Fulfil_suppliers_shows_each_suppliers_circuit_and_recent_verdicts()
    {
        await using var reloadly = await StartSupplierAsync("reloadly", seed: 2);
        await using var dtone = await StartSupplierAsync("dtone", seed: 3);
        dtone.Faults = new SupplierFaults { PendingThenFailed = 1, PendingMilliseconds = 100 };
        await using var scenario = await StartAsync([("dtone", dtone), ("reloadly", reloadly)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "dtone", "reloadly");
        await PayAsync(scenario, partner, sku, "health-1", Account);
        await TopUpTests.WaitForTerminalAsync(scenario, partner, ["health-1"]);

        var shown = await new CommandLineTests.Fulfil(scenario.App.BaseAddress).RunAsync("suppliers", "--json");
        Assert.Equal(0, shown.ExitCode);
        var list = System.Text.Json.JsonSerializer.Deserialize<SupplierList>(shown.Output, ContractJson.Options)!;
        var byName = list.Suppliers.ToDictionary(s => s.Name);
        Assert.Equal(["dtone", "reloadly"], byName.Keys.Order());
        Assert.Equal(("closed", "reloadly"), (byName["reloadly"].Circuit, byName["reloadly"].Protocol));
        Assert.Contains(byName["reloadly"].Verdicts, v => v.Verdict == "Succeeded" && v.Count == 1);
        Assert.Contains(byName["dtone"].Verdicts, v => v.Verdict == "Failed" && v.Count == 1);
        Assert.NotNull(byName["dtone"].LastFailedAt);
        Assert.Null(byName["dtone"].LastSucceededAt);

        var table = await new CommandLineTests.Fulfil(scenario.App.BaseAddress).RunAsync("suppliers");
        Assert.Contains("reloadly", table.Output, StringComparison.Ordinal);
        Assert.Contains("1 Succeeded", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fulfil_suppliers_shows_an_open_circuit_while_a_failing_supplier_is_cut_off_and_orders_still_settle()
    {
        await using var supplier = await StartSupplierAsync("reloadly", seed: 8);
        supplier.Faults = new SupplierFaults { ServerErrorBeforeCrediting = 1, QueryServerError = 1 };
        await using var scenario = await StartAsync([("reloadly", supplier)]);
        var partner = await scenario.NewPartnerAsync();
        var sku = await NewTopUpSkuAsync(scenario, "reloadly");
        var orderIds = Enumerable.Range(0, 6).Select(i => $"cut-{i}").ToList();
        foreach (var orderId in orderIds)
        {
            await PayAsync(scenario, partner, sku, orderId, Account);
        }

        // Every call fails: after 20 of them the circuit breaker opens, and the calls it keeps from being sent show it.
        var cli = new CommandLineTests.Fulfil(scenario.App.BaseAddress);
        await Scenario.EventuallyAsync(async () =>
        {
            var shown = await cli.RunAsync("suppliers", "--json");
            var list = System.Text.Json.JsonSerializer.Deserialize<SupplierList>(shown.Output, ContractJson.Options)!;
            return list.Suppliers.Single().Circuit == "open";
        }, "the circuit shown open", TimeSpan.FromSeconds(60));
        Assert.Contains("open", (await cli.RunAsync("suppliers")).Output, StringComparison.Ordinal);

        // The supplier recovers: the circuit closes and every order settles, credited once.
        supplier.Faults = SupplierFaults.None;
        var orders = await TopUpTests.WaitForTerminalAsync(scenario, partner, orderIds);
        TopUpTests.AssertLedgersAgree(orders, supplier);
        Assert.All(orders, o => Assert.Equal("delivered", o.State));
        var after = System.Text.Json.JsonSerializer.Deserialize<SupplierList>((await cli.RunAsync("suppliers", "--json")).Output, ContractJson.Options)!;
        Assert.Equal("closed", after.Suppliers.Single().Circuit);
    }

    private static async Task<SimulatedSupplier> StartSupplierAsync(string protocol, int seed) => protocol switch
    {
        "reloadly" => await ReloadlySimulator.StartAsync(ClientId, ClientSecret, seed: seed),
        _ => await DtOneSimulator.StartAsync(ApiKey, ApiSecret, seed: seed),
    };

    /// <summary>The settings that make supplier <paramref name="name"/> the simulator, in its own protocol.</summary>
    private static Dictionary<string, string?> SupplierSettings(string name, SimulatedSupplier simulator) => simulator switch
    {
        ReloadlySimulator => new()
        {
            [$"Suppliers:{name}:Protocol"] = "reloadly",
            [$"Suppliers:{name}:BaseUrl"] = simulator.BaseAddress.ToString(),
            [$"Suppliers:{name}:AuthUrl"] = simulator.BaseAddress.ToString(),
            [$"Suppliers:{name}:ClientId"] = ClientId,
            [$"Suppliers:{name}:ClientSecret"] = ClientSecret,
        },
        _ => new()
        {
            [$"Suppliers:{name}:Protocol"] = "dtone",
            [$"Suppliers:{name}:BaseUrl"] = new Uri(simulator.BaseAddress, "v1/").ToString(),
            [$"Suppliers:{name}:ApiKey"] = ApiKey,
            [$"Suppliers:{name}:ApiSecret"] = ApiSecret,
        },
    };

    private Task<Scenario> StartAsync(
        IReadOnlyList<(string Name, SimulatedSupplier Simulator)> suppliers, bool triggerHost = true, bool dtOneAutoConfirm = true,
        double firstDelaySeconds = 0.1, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? [])
        {
            ["SupplierDelivery:ReconcileFirstDelaySeconds"] = firstDelaySeconds.ToString(CultureInfo.InvariantCulture),
            ["SupplierDelivery:ReconcileMaxDelaySeconds"] = Math.Max(firstDelaySeconds, 0.5).ToString(CultureInfo.InvariantCulture),
            ["SupplierDelivery:ReconcileDeadlineMinutes"] = "1",
        };
        foreach (var (name, simulator) in suppliers)
        {
            foreach (var (key, value) in SupplierSettings(name, simulator))
            {
                all[key] = value;
            }

            all[$"Suppliers:{name}:AttemptTimeoutSeconds"] = "1";
            all[$"Suppliers:{name}:TotalTimeoutSeconds"] = "3";
            all[$"Suppliers:{name}:AutoConfirm"] = dtOneAutoConfirm ? "true" : "false";
        }

        return Scenario.StartAsync(storage, triggerHost: triggerHost, settings: all);
    }

    /// <summary>A SKU whose suppliers (named after their protocols) each get a product code of their own kind.</summary>
    private static async Task<string> NewTopUpSkuAsync(Scenario scenario, params string[] suppliers)
    {
        var sku = "topup-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(
            sku, "Airtime 30", "direct-top-up", 30m, "USD", suppliers: suppliers,
            supplierProducts: suppliers.Select(s => new SupplierProduct(s, s == "reloadly" ? "NG:auto" : "12345:destination")).ToList());
        return sku;
    }

    /// <summary>What the crashed worker's request did at the supplier: the same body, our reference.</summary>
    private static async Task SubmitDirectlyAsync(string protocol, SimulatedSupplier supplier, string reference)
    {
        using var http = new HttpClient { BaseAddress = supplier.BaseAddress };
        if (protocol == "reloadly")
        {
            var token = await (await http.PostAsJsonAsync("oauth/token", new Dictionary<string, string>
            {
                ["client_id"] = ClientId, ["client_secret"] = ClientSecret, ["grant_type"] = "client_credentials", ["audience"] = ((ReloadlySimulator)supplier).Audience,
            })).Content.ReadFromJsonAsync<Dictionary<string, object>>();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"].ToString());
            (await http.PostAsJsonAsync("topups", new
            {
                operatorId = "341", amount = "30.00", useLocalAmount = false, customIdentifier = reference, recipientPhone = new { countryCode = "NG", number = Account },
            })).EnsureSuccessStatusCode();
        }
        else
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ApiKey}:{ApiSecret}")));
            (await http.PostAsJsonAsync("v1/async/transactions", new Dictionary<string, object>
            {
                ["external_id"] = reference, ["product_id"] = 12345, ["auto_confirm"] = false, ["credit_party_identifier"] = new { mobile_number = Account },
            })).EnsureSuccessStatusCode();
        }
    }

    private static Task<HttpResponseMessage> PayAsync(Scenario scenario, CreatedPartner partner, string sku, string orderId, string account) =>
        scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData(orderId, sku, 1, 30m, "USD", "buyer-" + orderId, account));
}
