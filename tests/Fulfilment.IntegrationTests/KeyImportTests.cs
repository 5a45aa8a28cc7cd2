using System.Net;
using System.Net.Http.Json;
using System.Text;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

[Collection(StorageCollection.Name)]
public sealed class KeyImportTests(StorageFixture storage)
{
    [Fact]
    public async Task Import_rejects_blanks_and_duplicates_within_the_upload_and_against_stock_with_their_lines()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync(keys: ["IN-STOCK-1"]);

        var report = await scenario.Ops.ImportKeysAsync(sku, ["NEW-1", "", "NEW-2", "  ", "NEW-1", "IN-STOCK-1", "NEW-3"]);

        Assert.Equal((7, 3), (report.Received, report.Imported));
        Assert.Equal(
            [new ImportRejection(2, "blank"), new ImportRejection(4, "blank"), new ImportRejection(5, "duplicate of line 1"), new ImportRejection(6, "already in stock")],
            report.Rejected);
        Assert.Equal(4, (await scenario.Ops.GetStockAsync(sku)).Available);
    }

    [Fact]
    public async Task Import_accepts_a_JSON_array_of_keys()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        var response = await ops.PostAsJsonAsync($"api/ops/skus/{sku}/keys", new[] { "JSON-1", "JSON-2", "JSON-1" });

        var report = await response.Content.ReadFromJsonAsync<ImportResult>();
        Assert.Equal(2, report!.Imported);
        Assert.Equal([new ImportRejection(3, "duplicate of line 1")], report.Rejected);
    }

    [Fact]
    public async Task Ops_endpoints_require_the_ops_key_and_a_known_SKU()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync();
        var partner = await scenario.NewPartnerAsync();
        using var anonymous = scenario.App.CreateClient();
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"api/ops/skus/{sku}/keys", new StringContent("K1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await asPartner.GetAsync($"api/ops/skus/{sku}/stock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("api/ops/skus/no-such-sku/keys", new StringContent("K1"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsync($"api/ops/skus/{sku}/keys", new StringContent("{", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(0, (await scenario.Ops.GetStockAsync(sku)).Available);
    }
}
