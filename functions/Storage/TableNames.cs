namespace Fulfilment.Storage;

/// <summary>Every table the app uses; created at start-up.</summary>
internal static class TableNames
{
    public const string Partners = "Partners";
    public const string PartnerApiKeys = "PartnerApiKeys";
    public const string Skus = "Skus";
    public const string Orders = "Orders";
    public const string OpenOrders = "OpenOrders";
    public const string AwaitingStock = "AwaitingStock";
    public const string CardKeys = "CardKeys";
    public const string KeyBatches = "KeyBatches";
    public const string DataKeys = "DataKeys";
    public const string QueueFailures = "QueueFailures";
    public const string RedemptionLog = "RedemptionLog";
    public const string PaymentReferences = "PaymentReferences";
    public const string PaymentHolds = "PaymentHolds";
    public const string CompromisedKeys = "CompromisedKeys";
    public const string RiskRules = "RiskRules";
    public const string RiskCounts = "RiskCounts";
    public const string Reviews = "Reviews";
    public const string CodeSpend = "CodeSpend";

    public static readonly string[] All =
        [Partners, PartnerApiKeys, Skus, Orders, OpenOrders, AwaitingStock, CardKeys, KeyBatches, DataKeys, QueueFailures, RedemptionLog, PaymentReferences, PaymentHolds, CompromisedKeys, RiskRules, RiskCounts, Reviews, CodeSpend];
}
