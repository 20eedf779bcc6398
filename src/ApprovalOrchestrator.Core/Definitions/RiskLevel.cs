namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>Risk tiers, ordered: a higher value is riskier and wins when several rules match.</summary>
public enum RiskLevel
{
    Green = 0,
    Amber = 1,
    Red = 2,
}
