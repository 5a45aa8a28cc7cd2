using Microsoft.Extensions.Options;

namespace Fulfilment.Suppliers;

/// <summary>Each supplier's settings, checked at start by the protocol it names: every missing or wrong setting is said.</summary>
internal sealed class SupplierSettingsCheck(IEnumerable<ISupplierProtocol> protocols) : IValidateOptions<SupplierOptions>
{
    public ValidateOptionsResult Validate(string? name, SupplierOptions options)
    {
        if (name is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var protocol = protocols.FirstOrDefault(p => p.Name.Equals(options.Protocol, StringComparison.OrdinalIgnoreCase));
        if (protocol is null)
        {
            return ValidateOptionsResult.Fail(
                $"Suppliers:{name}:Protocol '{options.Protocol}' is not a protocol the app speaks ({string.Join(", ", protocols.Select(p => p.Name))}).");
        }

        var problems = protocol.CheckSettings(name, options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
