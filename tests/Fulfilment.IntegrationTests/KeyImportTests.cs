using System.Net;
using System.Net.Http.Json;
using System.Text;
using Fulfilment.Contract;
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

        var report = await response.Content.ReadFromJsonAsync<ImportReport>();
        Assert.Equal(2, report!.Imported);
        Assert.Equal([new ImportRejection(3, "duplicate of line 1")], report.Rejected);
    }

    [Fact]
    public async Task A_large_upload_streams_in_without_a_length_and_reports_bad_lines_by_number()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);
        const int lines = 12_000;
        var keys = Scenario.NewCardKeys(lines);
        string LineAt(int line) => line switch
        {
            7 => "",                               // blank
            8_000 => keys[2],                      // duplicate of line 3
            11_999 => new string('K', 600),         // too long
            _ => keys[line - 1],
        };

        var response = await ops.PostAsync($"api/ops/skus/{sku}/keys", new LinesContent(Enumerable.Range(1, lines).Select(LineAt)));

        response.EnsureSuccessStatusCode();
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>())!;
        Assert.Equal((lines, lines - 3), (report.Received, report.Imported));
        Assert.Equal(
            [new ImportRejection(7, "blank"), new ImportRejection(8_000, "duplicate of line 3"), new ImportRejection(11_999, "longer than 512 characters")],
            report.Rejected);
        Assert.Equal(lines - 3, (await scenario.Ops.GetStockAsync(sku)).Available);
    }

    [Fact]
    public async Task A_JSON_upload_that_breaks_off_is_refused_saying_what_was_imported_before_it()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var sku = await scenario.NewCardKeySkuAsync();
        using var ops = scenario.App.CreateClient(LocalApp.OpsKey);

        var response = await ops.PostAsync($"api/ops/skus/{sku}/keys", new StringContent("""["JSON-A", "JSON-B", 42, "JSON-C"]""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_upload", error.GetProperty("code").GetString());
        Assert.Contains("must be an array of strings", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        // Entries are read a buffer at a time: those before the bad one may or may not be imported; the report says which.
        var imported = error.GetProperty("details").GetProperty("imported").GetInt32();
        Assert.InRange(imported, 0, 2);
        Assert.Equal(imported, (await scenario.Ops.GetStockAsync(sku)).Available);
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

    /// <summary>A request body written line by line as it is sent, with no Content-Length (chunked).</summary>
    private sealed class LinesContent(IEnumerable<string> lines) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
            foreach (var line in lines)
            {
                await writer.WriteAsync(line);
                await writer.WriteAsync('\n');
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
