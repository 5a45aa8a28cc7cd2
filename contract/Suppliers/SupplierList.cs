namespace Fulfilment.Contract;

/// <summary>Every configured supplier and how it has been doing (<c>GET /api/ops/suppliers</c>), as the instance that answered saw it.</summary>
public sealed record SupplierList(string Instance, int WindowMinutes, IReadOnlyList<SupplierStatus> Suppliers);
