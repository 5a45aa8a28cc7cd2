namespace Fulfilment.Partners;

/// <summary>The payment providers whose own notifications a partner may send us, each verified with that partner's credentials for it.</summary>
internal static class PaymentProvider
{
    public const string Stripe = "stripe";
    public const string WeChatPay = "wechatpay";
    public const string Alipay = "alipay";

    public static readonly string[] All = [Stripe, WeChatPay, Alipay];
}
