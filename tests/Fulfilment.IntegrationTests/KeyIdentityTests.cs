using System.Net;
using System.Net.Http.Json;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>One key is one key, however it is written: invisible characters are refused, Unicode forms and (per SKU) case are the same key.</summary>
[Collection(StorageCollection.Name)]
public sealed class KeyIdentityTests(StorageFixture storage)
{
    private static readonly string[] NearDuplicates =
    [
        "DUP-KEY-1",
        "DUP\u200B-KEY-1", // a zero-width space inside
        "DUP-KEY-\uFEFF1", // a byte-order mark inside
        "dup-key-1",
        "\uFF24\uFF35\uFF30-KEY-1", // full-width D, U, P
        "DUP-KEY-1\u0007", // a control character
    ];

    [Fact]
    public async Task Near_duplicates_are_one_key_when_case_does_not_matter()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..10];
        await scenario.Ops.SaveSkuAsync(sku, "Gift card", "card-key", 10m, "CNY", caseSensitiveKeys: false);

        var report = await scenario.Ops.ImportKeysAsync(sku, NearDuplicates);

        Assert.Equal(1, report.Imported);
        Assert.Equal([2, 3, 6], report.Rejected.Where(r => r.Reason.Contains("invisible or control", StringComparison.Ordinal)).Select(r => r.Line));
        Assert.Equal([4, 5], report.Rejected.Where(r => r.Reason.Contains("duplicate of line 1", StringComparison.Ordinal)).Select(r => r.Line));

        // A later upload meets the same identity in stock.
        var again = await scenario.Ops.ImportKeysAsync(sku, ["dup-KEY-1"]);
        Assert.Equal((0, "already in stock"), (again.Imported, Assert.Single(again.Rejected).Reason));
    }

    [Fact]
    public async Task Case_matters_when_the_SKU_says_so_and_the_setting_cannot_change_under_imported_keys()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync(); // case-sensitive by default

        var report = await scenario.Ops.ImportKeysAsync(sku, NearDuplicates);

        Assert.Equal(2, report.Imported); // DUP-KEY-1 and dup-key-1
        Assert.Contains(report.Rejected, r => r.Line == 5 && r.Reason.Contains("duplicate of line 1", StringComparison.Ordinal));
        using var asOps = scenario.App.CreateClient(LocalApp.OpsKey);
        var change = await asOps.PutAsJsonAsync($"api/ops/skus/{sku}", new { name = "Gift card", kind = "card-key", unitPrice = 10m, currency = "CNY", caseSensitiveKeys = false });
        Assert.Equal(HttpStatusCode.Conflict, change.StatusCode);
        Assert.Contains("keys_imported", await change.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
