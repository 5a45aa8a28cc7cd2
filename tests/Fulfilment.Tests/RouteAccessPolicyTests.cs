using Fulfilment.Http;

namespace Fulfilment.Tests;

/// <summary>Which access rule a route falls under; a route under none stops the app at start.</summary>
public sealed class RouteAccessPolicyTests
{
    [Theory]
    [InlineData("ops/skus", "Ops")]
    [InlineData("ops/partners/{partnerId}/orders/{orderId}", "Ops")]
    [InlineData("partners/{partnerId}/redemptions", "Partner")]
    [InlineData("webhooks/{partnerId}/payments", "SignedWebhook")]
    [InlineData("suppliers/{supplier}/callbacks", "SignedCallback")]
    [InlineData("openapi.json", "Public")]
    public void A_route_falls_under_the_rule_of_its_prefix(string route, string expected) =>
        Assert.Equal(Enum.Parse<RouteAccess>(expected), RouteAccessPolicy.For(route));

    [Theory]
    [InlineData("skus")]
    [InlineData("opsx/skus")]
    [InlineData("ops")]
    [InlineData("partners/{id}/orders")]
    [InlineData("partners/{partnerId}")]
    [InlineData("webhooks/payments")]
    [InlineData("OpenApi.json")]
    public void A_route_under_no_rule_is_refused(string route)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RouteAccessPolicy.For(route));
        Assert.Contains(route, refused.Message, StringComparison.Ordinal);
    }
}
