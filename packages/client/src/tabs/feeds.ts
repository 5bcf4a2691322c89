import { CloseCode, type HeraldError, type SubscribeMessage } from '@herald/protocol';
import type { Environment, HeraldClient, Subscription } from '../types.js';
import { catchUp } from './catch-up.js';
import { createRoute, routeEvent, type TabRoute } from './route.js';
import type { Session } from './session.js';

/** The leader's channels: one hub subscription each, whatever the number of tabs that want it. */
export interface Feeds {
  /** A tab's `subscribe`: answered once the hub subscription is live and the tab has caught up. */
  join(session: Session, message: SubscribeMessage): void;
  /** A tab no longer wants `channel`; the hub subscription ends with its last tab. */
  leave(session: Session, channel: string): void;
  /** A tab's link is gone: it leaves every channel. */
  drop(session: Session): void;
}

interface Feed {
  sub: Subscription | null;
  live: boolean;
  readonly tabs: Map<Session, TabRoute>;
}

/** A catch-up that failed for a reason that may pass (the hub unreachable) is tried again after this. */
const RETRY_MS = 1000;

/** Creates the leader's channels over its hub client `hub`, reading history from `baseUrl`. */
export function createFeeds(hub: HeraldClient, baseUrl: string, env: Environment): Feeds {
  const feeds = new Map<string, Feed>();

  const leave = (session: Session, channel: string) => {
    const feed = feeds.get(channel);
    if (!feed?.tabs.delete(session) || feed.tabs.size) return;
    feeds.delete(channel);
    feed.sub?.unsubscribe();
  };

  const refuse = (session: Session, channel: string, error: HeraldError, rid?: string) => {
    const { code, message, retryable } = error;
    session.send({ type: 'error', ...(rid && { rid }), code, message, retryable });
    leave(session, channel);
  };

  const start = (channel: string, feed: Feed, session: Session, route: TabRoute) => {
    const alive = () => !session.ended && feeds.get(channel) === feed && feed.tabs.get(session) === route;
    const ctx = {
      baseUrl,
      env,
      channel,
      token: session.token,
      feedSeq: feed.sub?.position()?.seq ?? 0,
      send: session.send,
      alive,
    };
    catchUp(ctx, route).catch((error: HeraldError) => {
      if (!alive()) return;
      if (error.retryable) env.setTimeout(() => alive() && start(channel, feed, session, route), RETRY_MS);
      else refuse(session, channel, error, route.rid);
    });
  };

  const open = (channel: string): Feed => {
    const tabs = new Map<Session, TabRoute>();
    const feed: Feed = { sub: null, live: false, tabs };
    feed.sub = hub.subscribe(channel, {
      onSubscribed() {
        // Later ones follow the hub client's reconnects, which resume with nothing missing.
        if (feed.live) return;
        feed.live = true;
        for (const [session, route] of tabs)
          if (route.state === 'waiting') start(channel, feed, session, route);
      },
      onEvent(event) {
        for (const [session, route] of tabs) {
          const out = routeEvent(route, event);
          if (out) session.send({ type: 'events', events: [out] });
        }
      },
      onGap() {
        // The leader lost events no tab can get back: each tab's client must see the gap itself, which it
        // does when its link closes and it subscribes again from its position.
        for (const session of [...tabs.keys()]) session.end(CloseCode.Abnormal, `history gap on ${channel}`);
      },
      onError(error) {
        for (const [session, route] of [...tabs])
          refuse(session, channel, error, route.state === 'waiting' ? route.rid : undefined);
      },
    });
    return feed;
  };

  return {
    join(session, { rid, channel, since, snapshot }) {
      leave(session, channel); // a tab that resubscribes (after a hole) starts over
      let feed = feeds.get(channel);
      if (!feed) {
        feed = open(channel);
        feeds.set(channel, feed);
      }
      const route = createRoute(rid, since, snapshot === true);
      feed.tabs.set(session, route);
      if (feed.live) start(channel, feed, session, route);
    },
    leave,
    drop(session) {
      for (const channel of [...feeds.keys()]) leave(session, channel);
    },
  };
}
