namespace Fulfilment.Contract;

/// <summary>
/// A partner's credential for a payment provider (<c>POST /api/ops/partners/{partnerId}/payment-credentials</c>).
/// <see cref="Provider"/> <c>stripe</c>: <see cref="EndpointSecret"/> (the webhook endpoint's <c>whsec_…</c>).
/// <c>wechatpay</c>: <see cref="MerchantId"/>, <see cref="ApiV3Key"/>, <see cref="PublicKeySerial"/> and
/// <see cref="PublicKey"/> (the WeChat Pay public key, or the platform certificate, as PEM).
/// <c>alipay</c>: <see cref="AppId"/>, <see cref="SellerId"/> and <see cref="PublicKey"/> (the Alipay public key, PEM or
/// the bare base64 Alipay shows). Fields of other providers must be left out.
/// </summary>
public sealed record PaymentCredentialRequest(
    string Provider,
    string? EndpointSecret = null,
    string? MerchantId = null,
    string? ApiV3Key = null,
    string? PublicKeySerial = null,
    string? PublicKey = null,
    string? AppId = null,
    string? SellerId = null);
