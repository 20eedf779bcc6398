using ApprovalOrchestrator.Application.Approvals;
using ApprovalOrchestrator.Application.Controls;
using ApprovalOrchestrator.Application.Delegation;
using ApprovalOrchestrator.Application.Intake;
using ApprovalOrchestrator.Application.Requests;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Application;

public static class ApplicationServiceCollectionExtensions
{
    /// <summary>The use-case handlers. The ports they need (IWorkflowSteps, ITaskDirectory, IDelegations) come from the Runtime.</summary>
    public static IServiceCollection AddUseCases(this IServiceCollection services)
    {
        services.AddSingleton<SubmitRequest>();
        services.AddSingleton<WithdrawRequest>();
        services.AddSingleton<DecideTask>();
        services.AddSingleton<BulkApprove>();
        services.AddSingleton<ClaimTask>();
        services.AddSingleton<ReleaseClaim>();
        services.AddSingleton<ReassignTask>();
        services.AddSingleton<TaskVisibility>();
        services.AddSingleton<DelegateAuthority>();
        services.AddSingleton<RevokeDelegation>();
        services.AddSingleton<HaltExecution>();
        services.AddSingleton<ResumeExecution>();
        return services;
    }
}
