using System.Net;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Stored key material changed behind the app's back never opens into something else: the partner gets a clear error
/// without any key, ops get a critical log line saying which key or data key does not open, and no key is logged.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class KeyTamperingTests(StorageFixture storage)
{
    [Theory]
    [InlineData("nonce", "card key")]
    [InlineData("ciphertext", "card key")]
    [InlineData("tag", "card key")]
    [InlineData("moved-ciphertext", "card key")]
    [InlineData("wrapped-dek", "data key")]
    [InlineData("wrong-kek-version", "KEK version 'retired-version'")]
    public async Task Tampered_key_material_does_not_open_and_the_partner_gets_a_clear_error_without_any_key(string tampering, string named)
    {
        var keys = Scenario.NewCardKeys(2);
        string sku;
        Contract.CreatedPartner partner;
        string keyId;
        await using (var delivering = await Scenario.StartAsync(storage))
        {
            partner = await delivering.NewPartnerAsync();
            sku = await delivering.NewCardKeySkuAsync(keys: keys);
            await delivering.PayAsync(partner, sku, "order-1");
            var delivered = await delivering.WaitForStateAsync(partner, "order-1", "delivered");
            keyId = Assert.Single(delivered.Keys).KeyId;
        }

        var cardKeys = storage.Tables.GetTableClient(TableNames.CardKeys);
        var keyRows = await cardKeys.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {sku + "|"} and PartitionKey lt {sku + "}"}"))
            .Where(r => r.RowKey.StartsWith("key|", StringComparison.Ordinal)).ToListAsync();
        var row = keyRows.Single(r => r.RowKey == "key|" + keyId);
        var other = keyRows.Single(r => r != row);
        var sealedKey = row.GetBinary("SealedKey");
        var dataKeys = storage.Tables.GetTableClient(TableNames.DataKeys);
        var dek = (await dataKeys.GetEntityAsync<TableEntity>(sku, row.GetString("DekId"))).Value;
        switch (tampering)
        {
            case "nonce": sealedKey[0] ^= 1; break;
            case "ciphertext": sealedKey[14] ^= 1; break;
            case "tag": sealedKey[^1] ^= 1; break;
            case "moved-ciphertext": sealedKey = other.GetBinary("SealedKey"); break;
            case "wrapped-dek": dek.GetBinary("WrappedKey")[20] ^= 1; break;
            case "wrong-kek-version": dek["KekVersion"] = "retired-version"; break;
        }

        row["SealedKey"] = sealedKey;
        await cardKeys.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace);
        await dataKeys.UpdateEntityAsync(dek, Azure.ETag.All, TableUpdateMode.Replace);

        // A fresh instance (nothing cached) is asked for the order.
        await using var fetching = await Scenario.StartAsync(storage, triggerHost: false);
        using var client = fetching.App.CreateClient(partner.ApiKey);
        var response = await client.GetAsync($"api/partners/{partner.PartnerId}/orders/order-1");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("keys_unavailable", body, StringComparison.Ordinal);
        var alarm = Assert.Single(fetching.Logs.Lines, l => l.Contains("cannot be opened", StringComparison.Ordinal));
        Assert.StartsWith("Critical", alarm, StringComparison.Ordinal);
        Assert.Contains(named, alarm, StringComparison.Ordinal);
        foreach (var key in keys)
        {
            Assert.DoesNotContain(key, body, StringComparison.Ordinal);
            Assert.All(fetching.Logs.Lines, l => Assert.DoesNotContain(key, l, StringComparison.Ordinal));
        }
    }
}
