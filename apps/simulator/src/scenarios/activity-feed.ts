import type { JsonValue } from '@herald/protocol';
import type { Dice } from '../random.js';

/** One PurposePath domain event, snake_case as the backend sends it. */
export interface ActivityEvent {
  readonly type: string;
  readonly data: { readonly [key: string]: JsonValue };
}

/** A stateful generator of PurposePath events; updates refer to goals and actions it created earlier. */
export interface ActivityFeed {
  next(): ActivityEvent;
}

const PEOPLE = [
  { id: 'usr_ana', name: 'Ana Ruiz' },
  { id: 'usr_ben', name: 'Ben Okafor' },
  { id: 'usr_chloe', name: 'Chloé Martin' },
  { id: 'usr_dev', name: 'Dev Patel' },
  { id: 'usr_emi', name: 'Emi Tanaka' },
] as const;

const GOAL_TITLES = [
  'Reduce customer onboarding time to under 3 days',
  'Launch the partner referral program',
  'Grow net revenue retention to 115%',
  'Ship the mobile offline mode',
  'Cut cloud spend by 20% without slowing releases',
  'Hire and onboard two senior engineers',
] as const;

const ACTION_TITLES = [
  'Draft the kickoff brief',
  'Interview five recent churned customers',
  'Automate the welcome email sequence',
  'Review vendor contracts for renewal dates',
  'Prototype the referral landing page',
  'Set up the weekly KPI review',
  'Write the rollout plan for the pilot team',
] as const;

const ISSUE_TITLES = [
  'Data import from CRM is missing company sizes',
  'Pilot team blocked on SSO access',
  'Budget approval delayed to next quarter',
  'Onboarding survey response rate below 10%',
] as const;

const KPIS = [
  { kpi_id: 'kpi_nrr', name: 'Net revenue retention', unit: '%', base: 108, target: 115 },
  { kpi_id: 'kpi_onb', name: 'Median onboarding time', unit: 'days', base: 5.2, target: 3 },
  { kpi_id: 'kpi_csat', name: 'Customer satisfaction', unit: 'score', base: 4.3, target: 4.6 },
] as const;

const ACTION_FLOW = ['not_started', 'in_progress', 'blocked', 'in_progress', 'completed'] as const;

interface GoalState {
  goal_id: string;
  title: string;
  status: string;
  progress: number;
}

interface ActionState {
  action_id: string;
  goal_id: string;
  title: string;
  step: number;
}

/** Creates an {@link ActivityFeed} for one tenant. */
export function createActivityFeed(dice: Dice, tenantId: string): ActivityFeed {
  const goals: GoalState[] = [];
  const actions: ActionState[] = [];
  const now = (): string => new Date().toISOString();
  const actor = (): { user_id: string; user_name: string } => {
    const p = dice.pick(PEOPLE);
    return { user_id: p.id, user_name: p.name };
  };
  const inDays = (days: number): string =>
    new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  const createGoal = (): ActivityEvent => {
    const goal: GoalState = {
      goal_id: `goal_${dice.hex(6)}`,
      title: dice.pick(GOAL_TITLES),
      status: 'active',
      progress: 0,
    };
    goals.push(goal);
    if (goals.length > 6) goals.shift();
    const owner = actor();
    return {
      type: 'goal.created',
      data: {
        tenant_id: tenantId,
        goal_id: goal.goal_id,
        title: goal.title,
        owner_id: owner.user_id,
        owner_name: owner.user_name,
        status: goal.status,
        target_date: inDays(dice.int(30, 120)),
        created_at: now(),
      },
    };
  };

  const createAction = (goal: GoalState): ActivityEvent => {
    const action: ActionState = {
      action_id: `act_${dice.hex(6)}`,
      goal_id: goal.goal_id,
      title: dice.pick(ACTION_TITLES),
      step: 0,
    };
    actions.push(action);
    if (actions.length > 12) actions.shift();
    const assignee = actor();
    return {
      type: 'action.created',
      data: {
        tenant_id: tenantId,
        action_id: action.action_id,
        goal_id: goal.goal_id,
        title: action.title,
        assignee_id: assignee.user_id,
        assignee_name: assignee.user_name,
        priority: dice.pick(['low', 'medium', 'high']),
        status: 'not_started',
        due_date: inDays(dice.int(5, 30)),
        created_at: now(),
      },
    };
  };

  const advanceAction = (action: ActionState): ActivityEvent => {
    const old = ACTION_FLOW[action.step] ?? 'not_started';
    action.step = Math.min(action.step + 1, ACTION_FLOW.length - 1);
    const next = ACTION_FLOW[action.step] ?? 'completed';
    const by = actor();
    return {
      type: 'action.status_changed',
      data: {
        tenant_id: tenantId,
        action_id: action.action_id,
        goal_id: action.goal_id,
        title: action.title,
        old_status: old,
        new_status: next,
        changed_by: by.user_id,
        changed_by_name: by.user_name,
        changed_at: now(),
      },
    };
  };

  const updateGoal = (goal: GoalState): ActivityEvent => {
    goal.progress = Math.min(100, goal.progress + dice.int(5, 20));
    const by = actor();
    return {
      type: 'goal.updated',
      data: {
        tenant_id: tenantId,
        goal_id: goal.goal_id,
        title: goal.title,
        changes: { progress_percent: goal.progress },
        updated_by: by.user_id,
        updated_by_name: by.user_name,
        updated_at: now(),
      },
    };
  };

  const raiseIssue = (goal: GoalState): ActivityEvent => {
    const by = actor();
    return {
      type: 'issue.created',
      data: {
        tenant_id: tenantId,
        issue_id: `iss_${dice.hex(6)}`,
        title: dice.pick(ISSUE_TITLES),
        severity: dice.pick(['low', 'medium', 'high', 'critical']),
        related_goal_id: goal.goal_id,
        reported_by: by.user_id,
        reported_by_name: by.user_name,
        created_at: now(),
      },
    };
  };

  const updateKpi = (): ActivityEvent => {
    const kpi = dice.pick(KPIS);
    const previous = Number((kpi.base + dice.between(-0.4, 0.4)).toFixed(1));
    const current = Number((previous + dice.between(-0.3, 0.5)).toFixed(1));
    return {
      type: 'kpi.updated',
      data: {
        tenant_id: tenantId,
        kpi_id: kpi.kpi_id,
        name: kpi.name,
        previous_value: previous,
        current_value: current,
        target_value: kpi.target,
        unit: kpi.unit,
        trend: current === previous ? 'flat' : current > previous ? 'up' : 'down',
        measured_at: now(),
      },
    };
  };

  return {
    next() {
      const goal = goals.length > 0 ? dice.pick(goals) : undefined;
      if (goal === undefined || dice.chance(0.12)) return createGoal();
      const open = actions.filter((a) => a.step < ACTION_FLOW.length - 1);
      const roll = dice.between(0, 1);
      if (roll < 0.25 || open.length === 0) return createAction(goal);
      if (roll < 0.55) return advanceAction(dice.pick(open));
      if (roll < 0.7) return updateGoal(goal);
      if (roll < 0.8) return raiseIssue(goal);
      return updateKpi();
    },
  };
}
