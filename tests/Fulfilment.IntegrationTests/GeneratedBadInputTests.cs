using System.Net;
using System.Text;
using CsCheck;
using Fulfilment.Contract;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// Property: a webhook body that is not exactly valid, signed correctly (the worst case: a partner's own bug, not an
/// attacker), or a valid body with broken signature headers, is answered 4xx, never 5xx, and never becomes an order;
/// and a valid order still goes through afterwards.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class GeneratedBadInputTests(StorageFixture storage)
{
    private const string Template =
        """{"type":"payment.succeeded","data":{"orderId":"ORDER","sku":"SKU","quantity":1,"amount":"10.00","currency":"CNY","buyerReference":"buyer-1","targetAccount":"acct-1"}}""";

    [Fact]
    public async Task Invalid_webhooks_get_a_4xx_and_never_become_orders()
    {
        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(1));
        var statuses = new List<HttpStatusCode>();

        await InvalidBody.SampleAsync(async body =>
        {
            var text = body.Replace("SKU", sku, StringComparison.Ordinal);
            var bytes = text.Contains("\u0001BADUTF8", StringComparison.Ordinal) ? WithInvalidUtf8(text) : Encoding.UTF8.GetBytes(text);
            var response = await scenario.Webhooks.SendRawAsync(partner.PartnerId, partner.WebhookSecret, bytes, "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
            statuses.Add(response.StatusCode);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for {text}");
        }, iter: 200, threads: 1);

        await BrokenHeaders.SampleAsync(async headers =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partner.PartnerId}/payments")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Template.Replace("SKU", sku, StringComparison.Ordinal))),
            };
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            var response = await scenario.Http.SendAsync(request);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} for {string.Join(", ", headers)}");
        }, iter: 100, threads: 1);

        Assert.Empty(await OrdersOfAsync(partner.PartnerId));

        Assert.Equal(HttpStatusCode.Created, (await scenario.PayAsync(partner, sku, "still-works")).StatusCode);
        await scenario.WaitForStateAsync(partner, "still-works", "delivered");
    }

    [Fact]
    public async Task Every_order_id_the_webhook_accepts_can_be_fetched_by_its_partner_and_ops()
    {
        await using var scenario = await Scenario.StartAsync(storage, triggerHost: false);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync();
        var generated = Gen.Int[1, Fulfilment.Orders.OrderId.MaxLength].SelectMany(length => Gen.Char["._:-aZ09"].Array[length].Select(chars => new string(chars)));

        await generated.SampleAsync(async orderId =>
        {
            var accepted = (await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData(orderId, sku, 1, 10m, "CNY", "buyer-1"))).StatusCode;
            if (!Fulfilment.Orders.OrderId.IsValid(orderId))
            {
                Assert.Equal(HttpStatusCode.BadRequest, accepted);
                return;
            }

            Assert.True(accepted is HttpStatusCode.Created or HttpStatusCode.OK, $"{accepted} for '{orderId}'");
            Assert.Equal(orderId, (await scenario.GetOrderAsync(partner, orderId))?.OrderId);
            Assert.Equal(orderId, (await scenario.Ops.GetOrderTraceAsync(partner.PartnerId, orderId)).Order.OrderId);
        }, iter: 60, threads: 1);
    }

    /// <summary>Bodies invalid by construction, each in one way a broken sender produces.</summary>
    private static readonly Gen<string> InvalidBody = Gen.OneOf(
        // A property twice, the second one the valid value: last-one-wins would accept it.
        Pick("type", "amount", "data", "orderId", "quantity", "currency").Select(Pick("\"x\"", "1", "null", "{}"), (name, value) =>
            name is "type" or "data"
                ? Template.Replace("{\"" + name + "\":", "{\"" + name + "\":" + value + ",\"" + name + "\":", StringComparison.Ordinal).Replace("{\"type\"", "{\"" + name + "\":" + value + ",\"type\"", StringComparison.Ordinal)
                : Template.Replace("\"" + name + "\":", "\"" + name + "\":" + value + ",\"" + name + "\":", StringComparison.Ordinal)),
        // More decimals than CNY has, as a number or a string, however close to the right amount.
        Gen.Int[3, 40].Select(Gen.Bool, (decimals, quoted) =>
        {
            var amount = "10." + new string('0', decimals - 1) + "1";
            return Template.Replace("\"10.00\"", quoted ? $"\"{amount}\"" : amount, StringComparison.Ordinal);
        }),
        // A field of the wrong type.
        Pick("orderId", "buyerReference", "targetAccount", "currency", "sku").Select(Pick("7", "true", "[]", "{}", "1.5"), (name, value) =>
            ReplaceValue(name, value)),
        Pick("\"1\"", "1.0", "1e0", "true", "0", "51", "-1").Select(value => Template.Replace("\"quantity\":1", "\"quantity\":" + value, StringComparison.Ordinal)),
        // Text that is not Unicode, or not printable, or an order id no route can address.
        Pick("orderId", "buyerReference", "targetAccount").Select(name => ReplaceValue(name, "\"a\u0001BADUTF8\"")),
        Pick("\\ud800", "\\udfff", "\\u0000", "\\u001b[31m", "\\n").Select(Pick("orderId", "buyerReference"), (escape, name) => ReplaceValue(name, $"\"a{escape}\"")),
        Pick(".", "..", "a\\n", new string('x', 129), "a b", "a/b", "a%2F", "").Select(id => ReplaceValue("orderId", $"\"{id}\"")));

    /// <summary>Signature headers missing, garbled or for another message.</summary>
    private static readonly Gen<(string, string)[]> BrokenHeaders =
        Gen.Select(
            Pick("", "msg_1", new string('i', 5000)),
            Pick("", "abc", "-1", "99999999999999999999", "1.5", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Pick("", "v1,", "v1,!!!", "v1," + Convert.ToBase64String(new byte[32]), "v2,abc", new string('v', 10000)),
            (id, timestamp, signature) => new[] { ("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature) }
                .Where(h => h.Item2.Length > 0).ToArray());

    private static Gen<string> Pick(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string ReplaceValue(string name, string value)
    {
        var start = Template.IndexOf("\"" + name + "\":", StringComparison.Ordinal) + name.Length + 3;
        var end = Template[start] == '"' ? Template.IndexOf('"', start + 1) + 1 : Template.IndexOfAny([',', '}'], start);
        return Template[..start] + value + Template[end..];
    }

    /// <summary>The marker becomes an invalid UTF-8 sequence (a lone continuation byte and an overlong slash).</summary>
    private static byte[] WithInvalidUtf8(string text)
    {
        var parts = text.Split("\u0001BADUTF8");
        return [.. Encoding.UTF8.GetBytes(parts[0]), 0x80, 0xC0, 0xAF, .. Encoding.UTF8.GetBytes(parts[1])];
    }

    private async Task<List<string>> OrdersOfAsync(string partnerId) =>
        await storage.Tables.GetTableClient("Orders")
            .QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {partnerId + "|"} and PartitionKey lt {partnerId + "}"}"))
            .Select(e => e.PartitionKey).ToListAsync();
}
