package dev.zen.agent.badfixture;

import io.lettuce.core.RedisClient;

/** Deliberately bad: a public signature outside the Redis backend that makes users import Lettuce. */
public final class AgentExposingLettuce {
  public void useRedis(RedisClient client) {}
}
