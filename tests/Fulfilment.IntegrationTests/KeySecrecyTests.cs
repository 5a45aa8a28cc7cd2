using System.Net;
using System.Text;
using Azure.Data.Tables;
using Fulfilment.Contract;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Inventory;
using Fulfilment.Local;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class KeySecrecyTests(StorageFixture storage)
{
    [Fact]
    public async Task No_plaintext_key_appears_in_logs_traces_queue_messages_tables_or_error_bodies_during_a_full_run()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var keys = Scenario.NewCardKeys(6);
        var sku = await scenario.NewCardKeySkuAsync();
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", lowStockThreshold: 1); // a low-stock alert too
        var bodies = new List<string>();

        // An import with blanks and duplicates (its report names lines, not keys), and a duplicate import.
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        var upload = string.Join('\n', keys.Take(4)) + "\n\n" + keys[0] + "\n";
        bodies.Add(await (await ops.PostAsync($"api/ops/skus/{sku}/keys", new StringContent(upload))).Content.ReadAsStringAsync());
        bodies.Add(await (await ops.PostAsync($"api/ops/skus/{sku}/keys", new StringContent(string.Join('\n', keys)))).Content.ReadAsStringAsync());

        // Orders: two delivered, one waiting for stock, plus rejected webhooks and a wrong-partner fetch.
        await scenario.PayAsync(partner, sku, "order-1", quantity: 3);
        await scenario.WaitForStateAsync(partner, "order-1", "delivered");
        await scenario.PayAsync(partner, sku, "order-2", quantity: 3);
        await scenario.WaitForStateAsync(partner, "order-2", "delivered");
        await scenario.PayAsync(partner, sku, "order-3", quantity: 3);
        bodies.Add(await (await scenario.PayAsync(partner, sku, "order-1", quantity: 2)).Content.ReadAsStringAsync());
        bodies.Add(await (await scenario.Webhooks.SendAsync(partner.PartnerId, "whsec_" + Convert.ToBase64String(new byte[32]),
            new PaymentData("order-9", sku, 1, 10m, "CNY", keys[0]))).Content.ReadAsStringAsync());
        await scenario.WaitForStateAsync(partner, "order-3", "awaiting-stock");
        var other = await scenario.NewPartnerAsync();
        using var otherClient = scenario.App.CreateClient(other.ApiKey);
        bodies.Add(await (await otherClient.GetAsync($"api/partners/{partner.PartnerId}/orders/order-1")).Content.ReadAsStringAsync());
        bodies.Add(await (await ops.GetAsync($"api/ops/skus/{sku}/stock")).Content.ReadAsStringAsync());
        bodies.Add(await (await ops.GetAsync($"api/ops/partners/{partner.PartnerId}/orders/order-1")).Content.ReadAsStringAsync());
        bodies.Add(await (await ops.GetAsync($"api/ops/skus/{sku}/batches")).Content.ReadAsStringAsync());
        bodies.Add(await (await ops.GetAsync("api/ops/skus")).Content.ReadAsStringAsync());

        var everything = await StoredText.CollectAsync(storage, scenario);
        foreach (var body in bodies) everything.AppendLine(body);

        var text = everything.ToString();
        Assert.Contains("order-1", text, StringComparison.Ordinal); // the scan did see the run
        Assert.All(keys, key => Assert.DoesNotContain(key, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ciphertext_copied_onto_another_keys_row_does_not_decrypt()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var skuId = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        var sku = (await scenario.Service<SkuCatalogue>().FindAsync(skuId, default))!;
        var rows = storage.Tables.GetTableClient(TableNames.CardKeys);
        var keyRows = await rows.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(skuId + "|") > 0 && e.PartitionKey.CompareTo(skuId + "}") < 0)
            .Where(e => e.RowKey.StartsWith(InventoryRows.KeyPrefix, StringComparison.Ordinal)).ToListAsync();
        Assert.Equal(2, keyRows.Count);
        var (a, b) = (keyRows[0], keyRows[1]);
        var refB = new KeyRef(int.Parse(b.PartitionKey[^2..], System.Globalization.CultureInfo.InvariantCulture), b.RowKey[InventoryRows.KeyPrefix.Length..]);
        Assert.Single(await scenario.Service<CardKeyInventory>().OpenAsync(sku, [refB], default));

        b["SealedKey"] = a.GetBinary("SealedKey");
        await rows.UpdateEntityAsync(b, Azure.ETag.All, TableUpdateMode.Replace);

        await Assert.ThrowsAsync<SealedValueException>(() => scenario.Service<CardKeyInventory>().OpenAsync(sku, [refB], default));
    }

    [Fact]
    public async Task Partner_sees_only_its_own_orders_whatever_key_it_sends()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var owner = await scenario.NewPartnerAsync();
        var other = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        await scenario.PayAsync(owner, sku, "order-1");
        await scenario.WaitForStateAsync(owner, "order-1", "delivered");

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other.ApiKey, $"api/partners/{owner.PartnerId}/orders/order-1"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other.ApiKey, $"api/partners/{other.PartnerId}/orders/order-1"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(owner.ApiKey, $"api/partners/{owner.PartnerId}/orders/order-2"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(null, $"api/partners/{owner.PartnerId}/orders/order-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("ful_not-a-key", $"api/partners/{owner.PartnerId}/orders/order-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(LocalApp.OpsKey, $"api/partners/{owner.PartnerId}/orders/order-1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(owner.ApiKey, $"api/partners/{owner.PartnerId}/orders/order-1"));

        async Task<HttpStatusCode> StatusAsync(string? key, string path)
        {
            using var client = scenario.App.CreateClient(key);
            return (await client.GetAsync(path)).StatusCode;
        }
    }
}
