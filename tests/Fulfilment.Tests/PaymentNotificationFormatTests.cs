using System.Text;
using Fulfilment.Hosting;
using Fulfilment.Partners;
using Fulfilment.Payments;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fulfilment.Tests;

/// <summary>The payment-notification seam: every format has its function, and the Standard Webhooks format reads only what it verified.</summary>
public sealed class PaymentNotificationFormatTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"type":"payment.succeeded","data":{"orderId":"A-1","sku":"s","quantity":1,"amount":10,"currency":"CNY","buyerReference":"b"}}""");

    private static readonly StandardWebhooksFormat Format = new(Options.Create(new WebhookOptions()));

    private static readonly Partner Shop = new("shop", "Shop", [new WebhookSecret("s1", Secret, Now.AddDays(-1))]);

    [Fact]
    public void Every_format_is_served_by_a_webhook_function_under_its_route()
    {
        var app = FulfilmentApp.Build([], builder => builder.Configuration.AddInMemoryCollection(StartupTests.Settings), "Development");
        using var disposable = (IDisposable)app;
        var routes = FunctionAppMetadata.Load(AppContext.BaseDirectory).Functions
            .Where(f => f.HttpTrigger is not null)
            .Select(f => f.HttpTrigger!.Route)
            .ToHashSet(StringComparer.Ordinal);
        var formats = app.Services.GetServices<IPaymentNotificationFormat>().ToList();
        Assert.NotEmpty(formats);
        Assert.All(formats, format => Assert.Contains($"webhooks/{{partnerId}}/{format.Route}", routes));
    }

    [Fact]
    public void A_signed_body_is_read_into_its_paid_order_with_the_id_of_the_secret_that_verified_it()
    {
        var reading = Format.Read(Shop, Signed("msg_1", Body, Secret), Now);
        Assert.Null(reading.Rejection);
        Assert.Equal(("msg_1", "A-1", "s1"), (reading.NotificationId, reading.Notification!.OrderId, reading.Credential)); // the id of the secret, never its value
    }

    [Fact]
    public void An_unknown_partner_is_rejected_exactly_as_a_wrong_signature_is()
    {
        var unknown = Format.Read(null, Signed("msg_1", Body, Secret), Now);
        var wrong = Format.Read(Shop, Signed("msg_1", Body, "whsec_" + Convert.ToBase64String(new byte[24])), Now);
        Assert.Equal(wrong.Rejection, unknown.Rejection);
        Assert.Equal(("invalid_signature", null), (unknown.Rejection!.Code, unknown.Credential));
    }

    [Fact]
    public void A_verified_body_that_is_not_a_paid_order_is_rejected_as_invalid_with_its_problems_and_the_secret_that_verified_it()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"payment.succeeded","data":{"orderId":"A-1"}}""");
        var reading = Format.Read(Shop, Signed("msg_2", body, Secret), Now);
        Assert.Equal(("invalid_payload", "s1"), (reading.Rejection!.Code, reading.Credential)); // the secret's use is still recorded
        Assert.NotEmpty(reading.Rejection.Problems!);
        Assert.Null(reading.Notification);
    }

    [Fact]
    public void A_stale_timestamp_is_rejected_before_the_body_is_read()
    {
        var reading = Format.Read(Shop, Signed("msg_3", [0xff, 0xfe], Secret, Now.AddMinutes(-6)), Now);
        Assert.Equal(("stale_timestamp", null), (reading.Rejection!.Code, reading.Credential));
    }

    private static NotificationRequest Signed(string id, byte[] body, string secret, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? Now).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [StandardWebhook.IdHeader] = id,
            [StandardWebhook.TimestampHeader] = timestamp,
            [StandardWebhook.SignatureHeader] = StandardWebhook.SignatureHeaderValue(secret, id, timestamp, body),
        };
        return new NotificationRequest(name => headers.GetValueOrDefault(name, ""), body);
    }
}
