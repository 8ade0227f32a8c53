/// `--dry-run`: the decisions and the exact steps of a set, changing nothing and taking no lock.
struct DryRun {
    let context: RunContext

    func describe(_ plan: SetPlan, _ config: LogSetConfig) {
        context.reportDecisions(plan)
        if plan.firstAction != nil { script("firstaction", plan) }
        // Log by log (see SetExecution.logByLog), or every log's renames before every log's finish.
        let parts = SetExecution.logByLog(plan, config) ? plan.units.map { [$0] } : [plan.units]
        for units in parts {
            for unit in units {
                if unit.preRotate != nil { script("prerotate", plan) }
                for log in unit.logs { for step in log.rotateSteps { planned(step, plan) } }
                if unit.postRotate != nil { script("postrotate", plan) }
            }
            if let n = plan.notify { planned(n, plan) }
            for unit in units { for log in unit.logs { for step in log.finishSteps { planned(step, plan) } } }
        }
        if plan.lastAction != nil { script("lastaction", plan) }
    }

    private func script(_ kind: String, _ plan: SetPlan) {
        context.emit(RunEvent(.script, set: plan.name, "would run \(kind) script"))
    }

    private func planned(_ step: Action, _ plan: SetPlan) {
        context.emit(RunEvent(.action, set: plan.name, step.summary, action: step.kindName, path: step.primaryPath,
                              target: step.targetPath))
    }
}
