namespace Fulfilment.Suppliers.DtOne;

/// <summary>DVS's error body: <c>{"errors": [{"code", "message"}]}</c>.</summary>
internal sealed record DtOneErrors(List<DtOneError?>? Errors)
{
    public DtOneError? First => Errors?.FirstOrDefault();
}
