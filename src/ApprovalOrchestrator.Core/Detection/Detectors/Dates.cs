namespace ApprovalOrchestrator.Core.Detection.Detectors;

internal static class Dates
{
    public static bool Valid(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}
