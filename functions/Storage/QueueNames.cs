using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Storage;

/// <summary>The queues' names (app settings at the root); the same settings are referenced as <c>%Name%</c> in function.json.</summary>
internal sealed class QueueNames
{
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "OrderFulfilmentQueue must be a valid Storage queue name.")]
    public string OrderFulfilmentQueue { get; set; } = "";

    /// <summary>Redemptions waiting to be asked again (back-off between attempts), and whose poison queue holds the given-up ones.</summary>
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "RedemptionRetryQueue must be a valid Storage queue name.")]
    public string RedemptionRetryQueue { get; set; } = "redemption-retries";

    /// <summary>Terminal order states to POST to partners; its <c>-poison</c> queue holds the ones given up.</summary>
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "PartnerNotificationQueue must be a valid Storage queue name.")]
    public string PartnerNotificationQueue { get; set; } = "partner-notifications";

    /// <summary>Alerts for ops (an order needs attention): read by monitoring or an operator.</summary>
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "OpsAlertsQueue must be a valid Storage queue name.")]
    public string OpsAlertsQueue { get; set; } = "ops-alerts";

    /// <summary>Low-stock alerts: one message when a SKU's available keys fall to its threshold.</summary>
    [Required, RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "StockAlertsQueue must be a valid Storage queue name.")]
    public string StockAlertsQueue { get; set; } = "stock-alerts";
}
