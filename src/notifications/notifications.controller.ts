import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { map, type Observable } from 'rxjs';
import { AllowQueryToken, CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { DOMAIN_EVENT_TYPES } from './event-types.js';
import { NotificationsService } from './notifications.service.js';
import { WebhooksService, type WebhookView } from './webhooks.service.js';

export { DOMAIN_EVENT_TYPES };

export class RegisterWebhookDto {
  @ApiProperty({ example: 'https://oa.example.gov.cn/duban-hook' })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url: string;
  @ApiPropertyOptional({ enum: DOMAIN_EVENT_TYPES, isArray: true, example: ['node.red-lighted', 'evidence.returned'], default: ['*'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(DOMAIN_EVENT_TYPES as unknown as string[], { each: true })
  eventTypes?: string[];
}

/** ?limit= of the delivery log: 1–1000 (default 100); anything else is a 400 naming limit (it was read with Number() || 100). */
export class DeliveriesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Sse('events/stream')
  @AllowQueryToken()
  @ApiOperation({
    summary: 'Server-sent events: every domain event the caller may see (light changes, submissions, reviews, extensions)',
    description: 'Send the token as a bearer header, or as ?access_token= for EventSource. Reconnect with Last-Event-ID to get what you missed.',
  })
  @ApiQuery({ name: 'access_token', required: false })
  async stream(@CurrentActor() actor: Actor, @Headers('last-event-id') lastEventId?: string): Promise<Observable<MessageEvent>> {
    const last = lastEventId === undefined || lastEventId === '' ? undefined : Number(lastEventId);
    if (last !== undefined && !Number.isInteger(last))
      throw DomainError.validation([{ field: 'Last-Event-ID', reason: 'must be an event id (the id of the last event received)' }]);
    return (await this.notifications.stream(actor, last)).pipe(map((n) => ({ id: String(n.streamSeq), type: n.type, data: n })));
  }

  @Post('webhooks')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Register a webhook; the signing secret is returned once' })
  async register(@Body() dto: RegisterWebhookDto): Promise<WebhookView & { secret: string }> {
    return await this.webhooks.register(dto.url, dto.eventTypes);
  }

  @Get('webhooks')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'List webhooks' })
  async list(): Promise<WebhookView[]> {
    return await this.webhooks.list();
  }

  @Post('webhooks/:id/deactivate')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Stop sending to a webhook' })
  async deactivate(@Param('id') id: string): Promise<WebhookView> {
    return await this.webhooks.deactivate(id);
  }

  @Get('webhooks/:id/deliveries')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'The delivery log: each delivery with its status and every attempt' })
  async deliveries(@Param('id') id: string, @Query() q: DeliveriesQuery) {
    return await this.webhooks.deliveries(id, q.limit ?? 100);
  }
}
