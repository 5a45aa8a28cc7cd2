using System.Net;
using System.Text;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Local;

namespace Fulfilment.IntegrationTests;

/// <summary>
/// The access rule of every HTTP route is applied at the edge, before the function: every ops route and every partner
/// route of the function folders (found, not listed, so that a new one is covered) refuses a caller without the right
/// key, whatever the method and body, and such a request changes nothing.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class RouteAccessTests(StorageFixture storage)
{
    [Fact]
    public async Task Every_ops_and_partner_route_refuses_callers_without_the_right_key_before_the_function_runs()
    {
        var routes = FunctionAppMetadata.Load(AppContext.BaseDirectory).Functions
            .Select(f => f.HttpTrigger).OfType<BindingDefinition>()
            .Select(t => (Route: t.Route!, Methods: t.Methods!, Access: RouteAccessPolicy.For(t.Route!)))
            .ToList();
        Assert.Contains(routes, r => r.Access == RouteAccess.Ops);
        Assert.Contains(routes, r => r.Access == RouteAccess.Partner);

        await using var scenario = await Scenario.StartAsync(storage);
        var partner = await scenario.NewPartnerAsync();
        var sku = await scenario.NewCardKeySkuAsync(keys: Scenario.NewCardKeys(2));
        using var anonymous = scenario.App.CreateClient();
        using var asPartner = scenario.App.CreateClient(partner.ApiKey);
        using var asOps = scenario.App.CreateClient(LocalApp.OpsKey);
        using var wrongKey = scenario.App.CreateClient("not-a-key-of-anyone-0123456789");
        var stockBefore = await asOps.GetStringAsync($"api/ops/skus/{sku}/stock");
        var skusBefore = await asOps.GetStringAsync("api/ops/skus");

        foreach (var (route, methods, access) in routes.Where(r => r.Access is RouteAccess.Ops or RouteAccess.Partner))
        {
            var path = "api/" + route.Replace("{partnerId}", partner.PartnerId, StringComparison.Ordinal)
                .Replace("{sku}", sku, StringComparison.Ordinal);
            path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "x");
            HttpClient[] refused = access == RouteAccess.Ops ? [anonymous, asPartner, wrongKey] : [anonymous, asOps, wrongKey];
            foreach (var method in methods)
            {
                foreach (var client in refused)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path)
                    {
                        Content = new StringContent("{\"all\": true, \"partnerId\": \"mallory\", \"name\": \"x\"}", Encoding.UTF8, "application/json"),
                    };
                    using var response = await client.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                        $"{method} /{path} ({access}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.Equal(stockBefore, await asOps.GetStringAsync($"api/ops/skus/{sku}/stock"));
        Assert.Equal(skusBefore, await asOps.GetStringAsync("api/ops/skus"));
    }
}
