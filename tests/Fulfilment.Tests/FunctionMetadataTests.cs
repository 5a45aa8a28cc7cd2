using Fulfilment.Hosting;
using Microsoft.Extensions.Configuration;

namespace Fulfilment.Tests;

public sealed class FunctionMetadataTests
{
    [Fact]
    public void Queue_names_in_bindings_resolve_from_app_settings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OrderFulfilmentQueue"] = "orders-x" }).Build();

        Assert.Equal("orders-x", FunctionAppMetadata.Resolve("%OrderFulfilmentQueue%", configuration));
        Assert.Equal("literal", FunctionAppMetadata.Resolve("literal", configuration));
        Assert.Throws<InvalidOperationException>(() => FunctionAppMetadata.Resolve("%Missing%", configuration));
    }

    [Fact]
    public void Build_output_has_the_Functions_host_layout_host_json_and_one_folder_per_function()
    {
        var metadata = FunctionAppMetadata.Load(AppContext.BaseDirectory);

        Assert.Equal(
            ["AddPartnerApiKey", "AddPaymentCredential", "AddWebhookSecret", "AlertOverdueReviews", "AlipayWebhook", "ApproveReview", "CreatePartner", "ExportRedemptions",
             "FulfilOrder", "GetOpenApiDocument", "GetOrderTrace", "GetPartnerOrder", "GetRiskRules", "GetStock", "ImportKeys", "ListCompromisedKeys", "ListKeyBatches",
             "ListPartnerCredentials", "ListPoisonMessages", "ListPoisonQueues", "ListRedemptions", "ListReviews", "ListSkus", "ListSuppliers", "NotifyPartner", "OpenOrder", "PaymentWebhook",
             "PurgePoisonMessages", "RefuseReview", "ReleaseExpiredHolds", "ReplayPoisonMessages", "ResendNotification", "RetirePartnerApiKey", "RetirePaymentCredential",
             "RetireWebhookSecret", "RetryRedemption", "RevokePartnerApiKey", "RotateKek", "SaveRiskRules", "SaveSku", "SaveSkuRiskRules", "StripeWebhook", "SupplierCallback", "SweepStalledOrders",
             "VoidKey", "VoidKeyBatch", "WeChatPayWebhook"],
            metadata.Functions.Select(f => f.Name));
        var fulfil = metadata.Functions.Single(f => f.Name == "FulfilOrder");
        Assert.Equal("%OrderFulfilmentQueue%", fulfil.QueueTrigger!.QueueName);
        Assert.Equal("webhooks/{partnerId}/payments", metadata.Functions.Single(f => f.Name == "PaymentWebhook").HttpTrigger!.Route);
        Assert.Equal("*/15 * * * * *", metadata.Functions.Single(f => f.Name == "SweepStalledOrders").TimerTrigger!.Schedule);
        Assert.Equal(5, metadata.Queues.MaxDequeueCount);
        Assert.True(metadata.Queues.UsesBase64);
        Assert.Equal("api", metadata.RoutePrefix);
    }
}
