using System.Net;
using Fulfilment.Contract;
using Sku = Fulfilment.Catalogue.Sku;
using Fulfilment.Catalogue;
using Fulfilment.Local;
using Fulfilment.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// The acceptance rules are a list: a rule added after the catalogue's runs after it, the first refusal decides, and a
/// refused payment writes nothing.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class AcceptanceRuleTests(StorageFixture storage)
{
    [Fact]
    public async Task A_registered_rule_refuses_after_the_catalogue_rule_and_nothing_is_written()
    {
        var rule = new RefuseBuyer("mallory");
        await using var scenario = await Scenario.StartAsync(storage, replaceServices: services => services.AddSingleton<IOrderAcceptanceRule>(rule));
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));

        var refused = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("ruled-1", sku, 1, 10m, "CNY", "mallory"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("buyer_refused", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await scenario.GetOrderAsync(partner, "ruled-1"));

        // The catalogue's rule comes first: a wrong amount is refused as such, and the added rule is not even asked.
        var asked = rule.Asked;
        var wrongAmount = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("ruled-2", sku, 1, 11m, "CNY", "mallory"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongAmount.StatusCode);
        Assert.Contains("amount_mismatch", await wrongAmount.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(asked, rule.Asked);

        var accepted = await scenario.Webhooks.SendAsync(partner.PartnerId, partner.WebhookSecret, new PaymentData("ruled-3", sku, 1, 10m, "CNY", "alice"));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    private sealed class RefuseBuyer(string buyer) : IOrderAcceptanceRule
    {
        private int asked;

        public int Asked => Volatile.Read(ref asked);

        public ValueTask<PaymentRefusal?> CheckAsync(string partnerId, PaymentNotification notification, Sku sku, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult(notification.BuyerReference == buyer ? new PaymentRefusal("buyer_refused", $"Buyer '{buyer}' may not buy.") : null);
        }
    }
}
