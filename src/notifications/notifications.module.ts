import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ controllers: [NotificationsController], providers: [NotificationsService, WebhooksService], exports: [NotificationsService, WebhooksService] })
export class NotificationsModule {}
