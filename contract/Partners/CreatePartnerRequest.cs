namespace Fulfilment.Contract;

/// <summary>
/// <c>POST /api/ops/partners</c>: the partner's id (2-63 lowercase letters, digits and -), its display name, and where
/// to send signed notifications of its orders' final states (absolute https URL), if anywhere.
/// </summary>
public sealed record CreatePartnerRequest(string PartnerId, string Name, string? CallbackUrl = null);
